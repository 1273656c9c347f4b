package io.realmcluster.dataplane.net;

import io.realmcluster.common.auth.Ed25519TokenKeys;
import io.realmcluster.common.auth.SessionToken;
import io.realmcluster.common.auth.TokenSigner;
import io.realmcluster.common.auth.TokenVerifier;
import io.realmcluster.common.auth.UsedTokens;
import java.security.KeyPair;
import java.util.List;

/** A control plane's token key for tests: signs login tokens as it would, and the node's verifier of them. */
final class TestTokens {
    private final KeyPair controlPlane = Ed25519TokenKeys.generate();
    private final TokenSigner signer = Ed25519TokenKeys.signer(controlPlane.getPrivate(), controlPlane.getPublic());
    /** This node's key for the STANDBY tokens it gives players of a moving map. */
    final KeyPair standby = Ed25519TokenKeys.generate();

    /** A node's verifier: the control plane's key, each token once. */
    TokenVerifier verifier() {
        return new TokenVerifier(List.of(Ed25519TokenKeys.verifier(controlPlane.getPublic())), new UsedTokens(1_000));
    }

    TokenSigner standbySigner() {
        return Ed25519TokenKeys.signer(standby.getPrivate(), standby.getPublic());
    }

    /** A login token of account 1 for {@code character} at epoch {@code epoch}, as the control plane signs it. */
    byte[] login(
            final long account,
            final long character,
            final String node,
            final String instance,
            final long epoch,
            final long expiresAt) {
        return SessionToken.issue(
                signer, new SessionToken.Claims(account, character, "main", node, instance, epoch, expiresAt));
    }
}

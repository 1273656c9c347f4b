package io.realmcluster.bench.persist;

import io.realmcluster.common.auth.PasswordHasher;
import io.realmcluster.common.db.Database;
import io.realmcluster.controlplane.login.AccountStore;
import io.realmcluster.controlplane.login.CharacterRoster;
import io.realmcluster.dataplane.store.ClaimRefused;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.store.PostgresCharacterStore;

/**
 * Characters created as the control plane creates them (one account, human warriors) and claimed
 * by one node as a login would, so they are ONLINE there at an epoch; with the save sequence each
 * has reached. The snapshot writer of each run alone advances the sequences.
 */
final class OnlineCharacters {
    private static final String REALM = "main";
    private static final int HUMAN = 1;
    private static final int WARRIOR = 1;
    /** Names are letters only: a prefix and the index in base 26, 26^7 names. */
    private static final int NAME_LETTERS = 7;

    final ClaimedCharacter[] claims;
    final long[] saveSeqs;

    OnlineCharacters(final ClaimedCharacter[] claims) {
        this.claims = claims;
        this.saveSeqs = new long[claims.length];
        for (int i = 0; i < claims.length; i++) {
            saveSeqs[i] = claims[i].saveSeq();
        }
    }

    /** Create {@code count} characters and claim them all for {@code nodeId}. */
    static OnlineCharacters create(
            final Database database, final PostgresCharacterStore store, final int count, final String nodeId)
            throws ClaimRefused {
        final long account = new AccountStore(database, new PasswordHasher(1_000))
                .create("SavesBench", "saves-bench-password")
                .getAccountId();
        final CharacterRoster characters = new CharacterRoster(database);
        final ClaimedCharacter[] claims = new ClaimedCharacter[count];
        for (int i = 0; i < count; i++) {
            final long id =
                    characters.create(account, REALM, name(i), HUMAN, WARRIOR).getCharacterId();
            claims[i] = store.claim(id, account, nodeId);
        }
        return new OnlineCharacters(claims);
    }

    int count() {
        return claims.length;
    }

    private static String name(final int index) {
        final char[] letters = new char[1 + NAME_LETTERS];
        letters[0] = 'S';
        int rest = index;
        for (int i = letters.length - 1; i > 0; i--) {
            letters[i] = (char) ('a' + rest % 26);
            rest /= 26;
        }
        return new String(letters);
    }
}

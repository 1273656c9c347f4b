package io.realmcluster.common.auth;

import io.realmcluster.common.cli.StartupException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The token key files: the control plane's Ed25519 private key (PKCS#8 PEM, {@code --token-key-file},
 * readable by its owner only) and the public keys nodes verify with (X.509 SubjectPublicKeyInfo PEM,
 * {@code --token-public-keys}). Errors are one line that says how to fix the file.
 */
public final class TokenKeyFiles {
    /** The private key's file name {@link #generate} writes. */
    public static final String PRIVATE_KEY = "token.key";
    /** The public key's file name {@link #generate} writes. */
    public static final String PUBLIC_KEY = "token.pub";
    /** Public keys a node accepts at most: the current one and the previous one. */
    public static final int MAX_PUBLIC_KEYS = 2;

    private static final String PRIVATE_LABEL = "PRIVATE KEY";
    private static final String PUBLIC_LABEL = "PUBLIC KEY";

    private TokenKeyFiles() {}

    /** A fresh key pair in {@code directory}: {@code token.key} (0600) and {@code token.pub}; an existing pair is kept. */
    public static KeyPair generate(final Path directory) throws IOException {
        final Path privateFile = directory.resolve(PRIVATE_KEY);
        final Path publicFile = directory.resolve(PUBLIC_KEY);
        if (Files.exists(privateFile) && Files.exists(publicFile)) {
            return new KeyPair(readPublicKey(publicFile), readPrivateKey(privateFile));
        }
        final KeyPair pair = Ed25519TokenKeys.generate();
        Files.createDirectories(directory);
        // Each file owner-only from its creation and renamed into place whole: a crash leaves no half a key behind;
        // the public key last, so that a pair is complete once it exists.
        writeWhole(privateFile, pem(PRIVATE_LABEL, pair.getPrivate().getEncoded()), "rw-------");
        writeWhole(publicFile, pem(PUBLIC_LABEL, pair.getPublic().getEncoded()), "rw-r--r--");
        return pair;
    }

    private static void writeWhole(final Path file, final String text, final String permissions) throws IOException {
        final Path partial = Files.createTempFile(
                file.getParent(),
                file.getFileName().toString(),
                ".partial",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(partial, text, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString(permissions));
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * A pair in a new temporary directory, deleted when the JVM exits: for tests and benchmarks that
     * start the realm's processes. Returns the directory.
     */
    public static Path generateTemporary(final String prefix) {
        try {
            final Path directory = Files.createTempDirectory(prefix);
            generate(directory);
            directory.toFile().deleteOnExit();
            for (final String name : new String[] {PRIVATE_KEY, PUBLIC_KEY}) {
                directory.resolve(name).toFile().deleteOnExit();
            }
            return directory;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot make token keys in a temporary directory: " + e.getMessage(), e);
        }
    }

    /** The signer of {@code --token-key-file FILE}: refused when the file is readable by group or others. */
    public static TokenSigner loadSigner(final Path file) {
        if (file == null) {
            throw new StartupException("no token key: pass --token-key-file FILE (make one with `realmctl token-key "
                    + "init --dir DIR`, which writes DIR/" + PRIVATE_KEY + " and DIR/" + PUBLIC_KEY + ")");
        }
        refuseIfOthersCanRead(file);
        final PrivateKey privateKey = readPrivateKey(file);
        try {
            final KeyFactory factory = KeyFactory.getInstance(Ed25519TokenKeys.ALGORITHM);
            // The public half follows from the private key: Ed25519's public key is derived from its seed.
            final PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(derivePublic(privateKey)));
            return Ed25519TokenKeys.signer(privateKey, publicKey);
        } catch (final GeneralSecurityException e) {
            throw new StartupException(
                    "the token key file " + file + " holds no usable Ed25519 key: " + e.getMessage(), e);
        }
    }

    /** The keys of {@code --token-public-keys FILE[,FILE]}: the current key first, then the previous one. */
    public static List<TokenKey> loadVerifiers(final List<Path> files) {
        if (files == null || files.isEmpty()) {
            throw new StartupException("no token public key: pass --token-public-keys FILE (the control plane's "
                    + PUBLIC_KEY + "; during a rotation, the new one and then the old one, comma-separated)");
        }
        if (files.size() > MAX_PUBLIC_KEYS) {
            throw new StartupException("--token-public-keys takes at most " + MAX_PUBLIC_KEYS
                    + " files (the current key and the previous one), got " + files.size());
        }
        final List<TokenKey> keys = new ArrayList<>(files.size());
        for (final Path file : files) {
            keys.add(Ed25519TokenKeys.verifier(readPublicKey(file)));
        }
        return List.copyOf(keys);
    }

    /** The Ed25519 public key in the PEM file {@code file}. */
    public static PublicKey readPublicKey(final Path file) {
        final byte[] der = readPem(file, PUBLIC_LABEL);
        try {
            return KeyFactory.getInstance(Ed25519TokenKeys.ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (final GeneralSecurityException e) {
            throw new StartupException(
                    "the token public key file " + file + " holds no Ed25519 public key: " + e.getMessage(), e);
        }
    }

    private static PrivateKey readPrivateKey(final Path file) {
        final byte[] der = readPem(file, PRIVATE_LABEL);
        try {
            return KeyFactory.getInstance(Ed25519TokenKeys.ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (final GeneralSecurityException e) {
            throw new StartupException(
                    "the token key file " + file + " holds no Ed25519 private key (PKCS#8): " + e.getMessage(), e);
        }
    }

    private static byte[] readPem(final Path file, final String label) {
        final String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (final IOException e) {
            throw new StartupException("cannot read the token key file " + file + ": " + e.getMessage(), e);
        }
        final String begin = "-----BEGIN " + label + "-----";
        final String end = "-----END " + label + "-----";
        final int from = text.indexOf(begin);
        final int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new StartupException(
                    "the token key file " + file + " is not a PEM file with a '" + begin + "' block");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (final IllegalArgumentException e) {
            throw new StartupException("the token key file " + file + " holds bad base64: " + e.getMessage(), e);
        }
    }

    private static String pem(final String label, final byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static void refuseIfOthersCanRead(final Path file) {
        final Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (final UnsupportedOperationException notPosix) {
            return;
        } catch (final IOException e) {
            throw new StartupException("cannot read the token key file " + file + ": " + e.getMessage(), e);
        }
        if (permissions.contains(PosixFilePermission.GROUP_READ)
                || permissions.contains(PosixFilePermission.OTHERS_READ)) {
            throw new StartupException("the token key file " + file + " can be read by other users; chmod 600 " + file);
        }
    }

    /**
     * The X.509 encoding of the public half of an Ed25519 {@code privateKey}: the JDK has no call for it, but its
     * key pair generator draws the 32-byte private key from its random source and derives the public key from
     * it, so a source that gives back the key's own bytes makes the same pair.
     */
    private static byte[] derivePublic(final PrivateKey privateKey) throws GeneralSecurityException {
        if (!(privateKey instanceof EdECPrivateKey edKey)) {
            throw new GeneralSecurityException("not an Ed25519 private key");
        }
        final byte[] seed = edKey.getBytes().orElseThrow(() -> new GeneralSecurityException("no key bytes"));
        final KeyPairGenerator generator = KeyPairGenerator.getInstance(Ed25519TokenKeys.ALGORITHM);
        generator.initialize(new NamedParameterSpec(Ed25519TokenKeys.ALGORITHM), new FixedSeed(seed));
        return generator.generateKeyPair().getPublic().getEncoded();
    }

    /** A random source that gives back one private key's bytes, for {@link #derivePublic}. */
    private static final class FixedSeed extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;

        FixedSeed(final byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(final byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
        }
    }
}

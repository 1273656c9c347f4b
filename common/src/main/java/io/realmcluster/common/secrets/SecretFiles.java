package io.realmcluster.common.secrets;

import io.realmcluster.common.cli.StartupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/** Files that hold secrets (keys, passwords): refused unless only their owner may read them. */
public final class SecretFiles {
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    private SecretFiles() {}

    /**
     * Throw a {@link StartupException} naming {@code file} and the fix ({@code chmod 600}) when its group or
     * other users have any permission on it; nothing to check on a file system without POSIX permissions.
     */
    public static void requireOwnerOnly(final Path file) {
        final Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (final UnsupportedOperationException notPosix) {
            return;
        } catch (final IOException e) {
            throw new StartupException("cannot read the permissions of the secret file " + file + ": " + e, e);
        }
        if (permissions.stream().anyMatch(OTHERS::contains)) {
            throw new StartupException("the secret file " + file + " can be read or changed by other users ("
                    + PosixFilePermissions.toString(permissions) + "); run `chmod 600 " + file
                    + "` and start again");
        }
    }
}

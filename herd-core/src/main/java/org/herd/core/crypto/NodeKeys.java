package org.herd.core.crypto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * The keys of one Herd node (Mix, directory, superpeer or client): a long-term identity key pair
 * and a short-term onion key pair, stored in a state directory as {@value #IDENTITY_FILE} and
 * {@value #ONION_FILE} (secret, 0600) plus {@value #IDENTITY_PUBLIC_FILE} and
 * {@value #ONION_PUBLIC_FILE}. Backs {@code herd keys generate|show}.
 *
 * @param identity the Ed25519 identity key pair
 * @param onion the X25519 onion key pair
 */
public record NodeKeys(IdentityKeyPair identity, OnionKeyPair onion) {

    /** File name of the identity key pair. */
    public static final String IDENTITY_FILE = "identity.key";
    /** File name of the identity public key. */
    public static final String IDENTITY_PUBLIC_FILE = "identity.pub";
    /** File name of the onion key pair. */
    public static final String ONION_FILE = "onion.key";
    /** File name of the onion public key. */
    public static final String ONION_PUBLIC_FILE = "onion.pub";

    /** Both keys required. */
    public NodeKeys {
        Objects.requireNonNull(identity);
        Objects.requireNonNull(onion);
    }

    /** Fresh keys from {@code random}. */
    public static NodeKeys generate(SecureRandom random) {
        return new NodeKeys(IdentityKeyPair.generate(random), OnionKeyPair.generate(random));
    }

    /** Writes the four files into {@code directory} (created if missing, mode 0700 when created). */
    public void writeTo(Path directory, boolean overwrite) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        }
        KeyFiles.writeIdentity(directory.resolve(IDENTITY_FILE), identity, overwrite);
        KeyFiles.writeIdentityPublic(directory.resolve(IDENTITY_PUBLIC_FILE), identity.publicKey(), overwrite);
        KeyFiles.writeOnion(directory.resolve(ONION_FILE), onion, overwrite);
        KeyFiles.writeOnionPublic(directory.resolve(ONION_PUBLIC_FILE), onion.publicKey(), overwrite);
    }

    /** Reads the two secret files from {@code directory}. */
    public static NodeKeys readFrom(Path directory) throws IOException {
        return new NodeKeys(KeyFiles.readIdentity(directory.resolve(IDENTITY_FILE)),
                KeyFiles.readOnion(directory.resolve(ONION_FILE)));
    }

    /** Human description: both public keys with fingerprints. */
    public String describe() {
        byte[] id = identity.publicKey().encoded();
        byte[] on = onion.publicKey().encoded();
        return "identity " + identity.publicKey().toHex() + " (" + KeyFiles.fingerprint(id) + ")\n"
                + "onion    " + onion.publicKey().toHex() + " (" + KeyFiles.fingerprint(on) + ")";
    }
}

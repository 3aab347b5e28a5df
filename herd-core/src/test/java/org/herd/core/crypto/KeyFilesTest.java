package org.herd.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.herd.core.crypto.KeyFileException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Key files: round trips, mode 0600, and a clear refusal for every kind of bad file. */
class KeyFilesTest {

    @TempDir
    Path dir;

    private final SecureRandom random = new SecureRandom();

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static void assertReason(Reason reason, Executable e) {
        KeyFileException ex = assertThrows(KeyFileException.class, e);
        assertEquals(reason, ex.reason(), ex.getMessage());
    }

    @Test
    void nodeKeysRoundTripWithOwnerOnlyFiles() throws IOException {
        NodeKeys keys = NodeKeys.generate(random);
        Path state = dir.resolve("state");
        keys.writeTo(state, false);
        for (String f : new String[] {NodeKeys.IDENTITY_FILE, NodeKeys.ONION_FILE, NodeKeys.IDENTITY_PUBLIC_FILE,
                NodeKeys.ONION_PUBLIC_FILE}) {
            assertEquals("rw-------", mode(state.resolve(f)), f);
        }
        assertEquals("rwx------", mode(state));
        NodeKeys back = NodeKeys.readFrom(state);
        assertArrayEquals(keys.identity().seed(), back.identity().seed());
        assertArrayEquals(keys.onion().secret(), back.onion().secret());
        assertEquals(keys.identity().publicKey(), KeyFiles.readIdentityPublic(state.resolve(NodeKeys.IDENTITY_PUBLIC_FILE)));
        assertEquals(keys.onion().publicKey(), KeyFiles.readOnionPublic(state.resolve(NodeKeys.ONION_PUBLIC_FILE)));
        assertEquals(keys.describe(), back.describe());
    }

    @Test
    void fileFormatIsTheDocumentedOne() throws IOException {
        IdentityKeyPair id = IdentityKeyPair.fromSeed(new byte[32]);
        Path p = dir.resolve("id.key");
        KeyFiles.writeIdentity(p, id, false);
        assertEquals("herd-key v1 ed25519-identity-secret\n" + Base64.getEncoder().encodeToString(new byte[32]) + "\n",
                Files.readString(p));
    }

    @Test
    void describeGivesPublicKeyAndFingerprintOfEveryType() throws IOException {
        NodeKeys keys = NodeKeys.generate(random);
        keys.writeTo(dir, false);
        KeyFiles.Description secret = KeyFiles.describe(dir.resolve(NodeKeys.IDENTITY_FILE));
        KeyFiles.Description pub = KeyFiles.describe(dir.resolve(NodeKeys.IDENTITY_PUBLIC_FILE));
        assertEquals(KeyType.IDENTITY_SECRET, secret.type());
        assertEquals(keys.identity().publicKey().toHex(), secret.publicKeyHex());
        assertEquals(secret.fingerprint(), pub.fingerprint());
        assertTrue(secret.fingerprint().matches("([0-9A-F]{4} ){9}[0-9A-F]{4}"), secret.fingerprint());
        assertEquals(keys.onion().publicKey().toHex(), KeyFiles.describe(dir.resolve(NodeKeys.ONION_FILE)).publicKeyHex());
        assertFalse(secret.toString().contains(KeyFiles.fingerprint(keys.identity().seed())));
    }

    @Test
    void refusesToOverwriteUnlessAskedAndOverwriteKeepsMode0600() throws IOException {
        Path p = dir.resolve("onion.key");
        OnionKeyPair first = OnionKeyPair.generate(random);
        KeyFiles.writeOnion(p, first, false);
        assertThrows(FileAlreadyExistsException.class, () -> KeyFiles.writeOnion(p, OnionKeyPair.generate(random), false));
        assertArrayEquals(first.secret(), KeyFiles.readOnion(p).secret());
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        OnionKeyPair second = OnionKeyPair.generate(random);
        KeyFiles.writeOnion(p, second, true);
        assertEquals("rw-------", mode(p));
        assertArrayEquals(second.secret(), KeyFiles.readOnion(p).secret());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    private Path file(String content) throws IOException {
        Path p = Files.createTempFile(dir, "k", ".key", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(p, content, StandardCharsets.ISO_8859_1);
        return p;
    }

    @Test
    void everyBadFileIsRefusedWithItsReason() throws IOException {
        String b64 = Base64.getEncoder().encodeToString(new byte[32]);
        String head = "herd-key v1 ";
        assertReason(Reason.NOT_A_KEY_FILE, () -> KeyFiles.readIdentity(file("")));
        assertReason(Reason.NOT_A_KEY_FILE, () -> KeyFiles.readIdentity(file("-----BEGIN PRIVATE KEY-----\n" + b64 + "\n")));
        assertReason(Reason.NOT_A_KEY_FILE, () -> KeyFiles.readIdentity(file(head + "ed25519-identity-secret\n" + b64
                + "\nextra\n")));
        assertReason(Reason.UNKNOWN_TYPE, () -> KeyFiles.readIdentity(file(head + "rsa-secret\n" + b64 + "\n")));
        assertReason(Reason.WRONG_TYPE, () -> KeyFiles.readIdentity(file(head + "x25519-onion-secret\n" + b64 + "\n")));
        assertReason(Reason.WRONG_TYPE, () -> KeyFiles.readOnionPublic(file(head + "x25519-onion-secret\n" + b64 + "\n")));
        assertReason(Reason.BAD_ENCODING, () -> KeyFiles.readOnion(file(head + "x25519-onion-secret\n" + b64.substring(1)
                + "\n")));
        assertReason(Reason.BAD_ENCODING, () -> KeyFiles.readOnion(file(head + "x25519-onion-secret\n*" + b64.substring(1)
                + "\n")));
        assertReason(Reason.BAD_LENGTH, () -> KeyFiles.readOnion(file(head + "x25519-onion-secret\n"
                + Base64.getEncoder().encodeToString(new byte[31]) + "\n")));
        assertReason(Reason.INVALID_KEY, () -> KeyFiles.readIdentityPublic(file(head + "ed25519-identity-public\n"
                + Base64.getEncoder().encodeToString(CertificatesTest.NOT_A_POINT) + "\n")));
        assertReason(Reason.TOO_LARGE, () -> KeyFiles.readIdentity(file("x".repeat(KeyFiles.MAX_FILE_SIZE + 1))));
        // Without the final newline the file is still accepted.
        assertEquals(KeyType.ONION_SECRET, KeyFiles.describe(file(head + "x25519-onion-secret\n" + b64)).type());
    }

    @Test
    void secretKeyReadableByOthersIsRefusedButPublicKeyIsNot() throws IOException {
        Path secret = dir.resolve("id.key");
        Path pub = dir.resolve("id.pub");
        IdentityKeyPair id = IdentityKeyPair.generate(random);
        KeyFiles.writeIdentity(secret, id, false);
        KeyFiles.writeIdentityPublic(pub, id.publicKey(), false);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r-----"));
        Files.setPosixFilePermissions(pub, PosixFilePermissions.fromString("rw-r--r--"));
        assertReason(Reason.PERMISSIONS_TOO_OPEN, () -> KeyFiles.readIdentity(secret));
        assertEquals(id.publicKey(), KeyFiles.readIdentityPublic(pub));
    }
}

package org.herd.core.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * Reads and writes key files (format in {@code docs/keys.md}):
 * <pre>
 * herd-key v1 &lt;type&gt;
 * &lt;base64 of the 32-byte key&gt;
 * </pre>
 * Files are created with POSIX mode 0600 given as an attribute at creation (never chmod-ed
 * afterwards, so they are never readable by others for an instant); an overwrite goes through a
 * 0600 temporary file in the same directory and an atomic rename. Reading checks size, header,
 * type, base64, length and key validity, and refuses secret keys that group or others can access.
 */
public final class KeyFiles {

    /** The header prefix of every key file. */
    public static final String MAGIC = "herd-key v1 ";
    /** No key file is larger than this. */
    public static final int MAX_FILE_SIZE = 1024;

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private KeyFiles() {
    }

    /** A description of one key file, for {@code herd keys show}. */
    public record Description(KeyType type, String publicKeyHex, String fingerprint) {
        @Override
        public String toString() {
            return type.fileName() + " public " + publicKeyHex + " fingerprint " + fingerprint;
        }
    }

    /** Writes an identity key pair (its seed); {@code overwrite} false fails if the file exists. */
    public static void writeIdentity(Path path, IdentityKeyPair key, boolean overwrite) throws IOException {
        write(path, KeyType.IDENTITY_SECRET, key.seed(), overwrite);
    }

    /** Writes an identity public key. */
    public static void writeIdentityPublic(Path path, IdentityPublicKey key, boolean overwrite) throws IOException {
        write(path, KeyType.IDENTITY_PUBLIC, key.encoded(), overwrite);
    }

    /** Writes an onion key pair (its secret scalar). */
    public static void writeOnion(Path path, OnionKeyPair key, boolean overwrite) throws IOException {
        write(path, KeyType.ONION_SECRET, key.secret(), overwrite);
    }

    /** Writes an onion public key. */
    public static void writeOnionPublic(Path path, OnionPublicKey key, boolean overwrite) throws IOException {
        write(path, KeyType.ONION_PUBLIC, key.encoded(), overwrite);
    }

    /** Reads an identity key pair. */
    public static IdentityKeyPair readIdentity(Path path) throws IOException {
        return IdentityKeyPair.fromSeed(read(path, KeyType.IDENTITY_SECRET));
    }

    /** Reads an identity public key. */
    public static IdentityPublicKey readIdentityPublic(Path path) throws IOException {
        return identityPublic(path, read(path, KeyType.IDENTITY_PUBLIC));
    }

    /** Reads an onion key pair. */
    public static OnionKeyPair readOnion(Path path) throws IOException {
        return OnionKeyPair.fromSecret(read(path, KeyType.ONION_SECRET));
    }

    /** Reads an onion public key. */
    public static OnionPublicKey readOnionPublic(Path path) throws IOException {
        return OnionPublicKey.of(read(path, KeyType.ONION_PUBLIC));
    }

    /** Reads a key file of any type and describes its public key. */
    public static Description describe(Path path) throws IOException {
        Parsed p = parse(path);
        byte[] pub = switch (p.type) {
            case IDENTITY_SECRET -> IdentityKeyPair.fromSeed(p.key).publicKey().encoded();
            case IDENTITY_PUBLIC -> identityPublic(path, p.key).encoded();
            case ONION_SECRET -> OnionKeyPair.fromSecret(p.key).publicKey().encoded();
            case ONION_PUBLIC -> p.key;
        };
        return new Description(p.type, HexFormat.of().formatHex(pub), fingerprint(pub));
    }

    /**
     * A short, speakable fingerprint of a public key: the first 20 bytes of SHA-256 of the key,
     * upper-case hex in groups of four ({@code "3F2A 9C01 …"}, 10 groups).
     */
    public static String fingerprint(byte[] publicKey) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(publicKey);
            String hex = HexFormat.of().withUpperCase().formatHex(h, 0, 20);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < hex.length(); i += 4) {
                if (i > 0) {
                    sb.append(' ');
                }
                sb.append(hex, i, i + 4);
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static IdentityPublicKey identityPublic(Path path, byte[] key) throws KeyFileException {
        try {
            return IdentityPublicKey.of(key);
        } catch (IllegalArgumentException e) {
            throw new KeyFileException(path, KeyFileException.Reason.INVALID_KEY, "not a valid Ed25519 public key");
        }
    }

    private static byte[] read(Path path, KeyType expected) throws IOException {
        Parsed p = parse(path);
        if (p.type != expected) {
            throw new KeyFileException(path, KeyFileException.Reason.WRONG_TYPE,
                    "holds a " + p.type.fileName() + " key, expected " + expected.fileName());
        }
        return p.key;
    }

    private record Parsed(KeyType type, byte[] key) {
    }

    private static Parsed parse(Path path) throws IOException {
        long size = Files.size(path);
        if (size > MAX_FILE_SIZE) {
            throw new KeyFileException(path, KeyFileException.Reason.TOO_LARGE,
                    size + " bytes; a key file has at most " + MAX_FILE_SIZE);
        }
        String text = new String(Files.readAllBytes(path), StandardCharsets.US_ASCII);
        String[] lines = text.split("\n", -1);
        // Exactly: header, body, and the empty string after the final newline (which may be absent).
        boolean shape = lines.length == 2 || lines.length == 3 && lines[2].isEmpty();
        if (!shape || !lines[0].startsWith(MAGIC)) {
            throw new KeyFileException(path, KeyFileException.Reason.NOT_A_KEY_FILE,
                    "not a Herd key file (expected a '" + MAGIC + "<type>' line and one base64 line)");
        }
        String typeName = lines[0].substring(MAGIC.length());
        KeyType type = KeyType.byFileName(typeName);
        if (type == null) {
            throw new KeyFileException(path, KeyFileException.Reason.UNKNOWN_TYPE, "unknown key type '"
                    + printable(typeName) + "'");
        }
        if (type.isSecret()) {
            checkOwnerOnly(path);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(lines[1]);
        } catch (IllegalArgumentException e) {
            throw new KeyFileException(path, KeyFileException.Reason.BAD_ENCODING, "body is not base64: "
                    + e.getMessage());
        }
        if (key.length != KeyType.KEY_SIZE) {
            throw new KeyFileException(path, KeyFileException.Reason.BAD_LENGTH, "a " + type.fileName() + " key has "
                    + KeyType.KEY_SIZE + " bytes, this one " + key.length);
        }
        return new Parsed(type, key);
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static void checkOwnerOnly(Path path) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (view == null) {
            return; // not a POSIX file system: nothing to check
        }
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        Set<PosixFilePermission> extra = EnumSet.copyOf(perms);
        extra.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE));
        if (!extra.isEmpty()) {
            throw new KeyFileException(path, KeyFileException.Reason.PERMISSIONS_TOO_OPEN, "secret key file has mode "
                    + PosixFilePermissions.toString(perms) + "; it must not be accessible to group or others"
                    + " (chmod 600)");
        }
    }

    private static void write(Path path, KeyType type, byte[] key, boolean overwrite) throws IOException {
        byte[] content = (MAGIC + type.fileName() + "\n" + Base64.getEncoder().encodeToString(key) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
        Path dir = path.toAbsolutePath().getParent();
        if (!overwrite) {
            try (FileChannel ch = FileChannel.open(path,
                    EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly)) {
                writeFully(ch, content);
            } catch (UnsupportedOperationException e) {
                throw new IOException(path + ": key files need a POSIX file system (mode 0600)", e);
            }
            return;
        }
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, ".herd-key-", ".tmp", ownerOnly);
        } catch (UnsupportedOperationException e) {
            throw new IOException(path + ": key files need a POSIX file system (mode 0600)", e);
        }
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                writeFully(ch, content);
            }
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeFully(FileChannel ch, byte[] content) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
        ch.force(true);
    }
}

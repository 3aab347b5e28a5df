package org.herd.core.crypto;

/** The types of key file (see {@code docs/keys.md}); each holds one 32-byte key. */
public enum KeyType {
    /** An Ed25519 identity key pair, stored as its 32-byte private seed. */
    IDENTITY_SECRET("ed25519-identity-secret", true),
    /** An Ed25519 identity public key (e.g. the root key shipped in {@code etc/}). */
    IDENTITY_PUBLIC("ed25519-identity-public", false),
    /** An X25519 onion key pair, stored as its 32-byte private scalar. */
    ONION_SECRET("x25519-onion-secret", true),
    /** An X25519 onion public key. */
    ONION_PUBLIC("x25519-onion-public", false);

    /** Bytes of key in every type. */
    public static final int KEY_SIZE = 32;

    private final String fileName;
    private final boolean secret;

    KeyType(String fileName, boolean secret) {
        this.fileName = fileName;
        this.secret = secret;
    }

    /** The type's name in a key file's header line. */
    public String fileName() {
        return fileName;
    }

    /** True for types that hold a private key. */
    public boolean isSecret() {
        return secret;
    }

    /** The type named {@code name} in a header line, or null (never {@code valueOf} on file content). */
    static KeyType byFileName(String name) {
        for (KeyType t : values()) {
            if (t.fileName.equals(name)) {
                return t;
            }
        }
        return null;
    }
}

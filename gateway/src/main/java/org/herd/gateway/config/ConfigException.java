package org.herd.gateway.config;

/**
 * A configuration value that cannot be used. The message names the key, the value and where it
 * came from (the file, an environment variable or a system property), so the operator can fix it
 * in one go; roles print it and exit with status 2 instead of a stack trace.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String key;

    /** A bad or missing value of {@code key}. */
    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The offending key ({@code null} for a file that cannot be read at all). */
    public String key() {
        return key;
    }
}

package org.herd.core.directory;

/**
 * Where the rate now in force for a {@link RateScope} comes from: the directory's own
 * {@link LinkRateController}, or, in a mix, the announcements it received from its directory.
 */
@FunctionalInterface
public interface RateSource {

    /** The rate in payload cells per tick in force now for {@code scope}. */
    int currentRate(RateScope scope);
}

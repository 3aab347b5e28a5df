package org.herd.core.directory;

import java.util.List;
import org.herd.core.crypto.IdentityPublicKey;

/**
 * The client certificates a zone directory issued at JOIN and that are still valid (§3.5 of the
 * Herd paper), read in pages from its durable store: what the directory pushes to its zone's
 * Mixes so they admit those clients' links, also after the directory restarted.
 */
@FunctionalInterface
public interface IssuedCertificates {

    /**
     * At most {@code limit} certificates valid now, in unsigned byte order of the client key, each
     * with a key above {@code after} ({@code null}: from the first); fewer than {@code limit}: the
     * last page.
     */
    List<ClientCertificateRecord> page(IdentityPublicKey after, int limit);
}

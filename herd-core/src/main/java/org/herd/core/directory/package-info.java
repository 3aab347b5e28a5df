/**
 * Role layer, {@code directory}: the per-zone directory of the Herd paper.
 *
 * <ul>
 *   <li>§3.3 (Rendezvous): the directory stores, for every client attached to its zone, the
 *       client's identity key and its rendezvous mix, and answers lookups —
 *       {@link org.herd.core.directory.DirectoryStore}.</li>
 *   <li>§3.5 (Join protocol): the directory publishes its zone's signed mix descriptors and
 *       issues client certificates; both are kept as opaque signed blobs in the store.</li>
 *   <li>§3.1, §3.4.2, §3.4.3 (link rates): mixes report link utilisation to their zone's
 *       directory, which decides the rate of each link class at epochs announced in advance,
 *       unilaterally for its own zone and jointly with the peer directory for inter-zone links —
 *       {@link org.herd.core.directory.LinkRateController},
 *       {@link org.herd.core.directory.EpochSchedule}; calls beyond the current capacity are
 *       refused, never queued — {@link org.herd.core.directory.CapacityGate}.</li>
 *   <li>The directory protocol: {@link org.herd.core.directory.DirectoryService} answers JOIN,
 *       MIX_ENROLL, GET_DIRECTORY, REGISTER, LOOKUP, UTILISATION_REPORT and RATE_PROPOSAL
 *       ({@link org.herd.core.directory.DirectoryMessages},
 *       {@link org.herd.core.directory.DirectoryRequest},
 *       {@link org.herd.core.directory.DirectoryResponse}); it publishes a signed
 *       {@link org.herd.core.directory.DirectoryDocument}; REGISTER carries the client's
 *       {@link org.herd.core.directory.RendezvousBinding}. Requests reach it through a
 *       {@link org.herd.core.directory.DirectoryTransport}; from clients they travel over
 *       circuits, so the directory never learns which mix a client attaches to (I5, §3.3).</li>
 *   <li>§3.1 PKI: {@link org.herd.core.directory.ZoneBootstrap} lays out a root key, zone
 *       certificates and mix descriptors.</li>
 * </ul>
 *
 * <p>Layering: above {@code time} and {@code crypto} (identity keys only), and {@code circuit} for
 * {@link org.herd.core.directory.RendezvousDirectoryEndpoint}, which serves a rendezvous Mix's
 * REGISTER/LOOKUP from directory handlers; the client core ({@code call}) uses only the value
 * {@link org.herd.core.directory.RendezvousBinding}. The protocol and rate logic do no I/O and read time only through an injected
 * {@link org.herd.core.time.Clock}; only {@code DirectoryStore} touches JDBC and only
 * {@code ZoneBootstrap} touches files (a layering test keeps it so).
 */
package org.herd.core.directory;

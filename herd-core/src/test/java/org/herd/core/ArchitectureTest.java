package org.herd.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps herd-core layered as STYLE.md says: time → wire → crypto → link/sched/circuit → roles.
 * A lower layer never reaches up, and only {@code crypto} (plus the DTLS glue in {@code link})
 * touches Bouncy Castle or JCA.
 */
class ArchitectureTest {

    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.herd.core");
    }

    @Test
    void wireIsCodecsOnly() {
        noClasses().that().resideInAPackage("org.herd.core.wire..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.herd.core.crypto..", "org.herd.core.link..", "org.herd.core.sched..",
                        "org.herd.core.circuit..", "org.herd.core.mix..", "org.herd.core.directory..",
                        "org.herd.core.client..", "org.herd.core.superpeer..", "org.herd.core.channel..",
                        "org.bouncycastle..", "javax.crypto..", "java.net..", "java.nio.channels..", "io.netty..")
                .check(core);
    }

    @Test
    void cryptoDoesNotReachUp() {
        noClasses().that().resideInAPackage("org.herd.core.crypto..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.herd.core.link..", "org.herd.core.sched..", "org.herd.core.circuit..",
                        "org.herd.core.mix..", "org.herd.core.directory..", "org.herd.core.client..",
                        "org.herd.core.superpeer..", "io.netty..")
                .check(core);
        // Descriptors carry addresses as values and key files are written with fsync, but crypto
        // opens no network socket.
        for (String socket : new String[] {"java.net.DatagramSocket", "java.net.Socket", "java.net.ServerSocket",
                "java.nio.channels.DatagramChannel", "java.nio.channels.SocketChannel"}) {
            noClasses().that().resideInAPackage("org.herd.core.crypto..")
                    .should().dependOnClassesThat().haveFullyQualifiedName(socket)
                    .check(core);
        }
    }

    @Test
    void onlyCryptoTouchesPrimitives() {
        noClasses().that().resideOutsideOfPackages("org.herd.core.crypto..", "org.herd.core.link..")
                .should().dependOnClassesThat().resideInAnyPackage("org.bouncycastle..", "javax.crypto..")
                .check(core);
        // The DTLS glue may use Bouncy Castle's TLS API and certificates, not raw ciphers.
        noClasses().that().resideInAPackage("org.herd.core.link..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.bouncycastle.crypto.engines..", "org.bouncycastle.crypto.modes..", "javax.crypto..")
                .check(core);
    }

    @Test
    void schedulingAndChannelAllocationDoNoIo() {
        noClasses().that().resideInAnyPackage("org.herd.core.sched..", "org.herd.core.channel..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.herd.core.link..", "io.netty..", "java.net..", "java.nio.channels..", "java.io..")
                .check(core);
    }

    @Test
    void linksDoNotKnowCircuitsOrRoles() {
        noClasses().that().resideInAnyPackage("org.herd.core.link..", "org.herd.core.sched..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.herd.core.circuit..", "org.herd.core.mix..", "org.herd.core.directory..",
                        "org.herd.core.client..", "org.herd.core.superpeer..")
                .check(core);
    }
}

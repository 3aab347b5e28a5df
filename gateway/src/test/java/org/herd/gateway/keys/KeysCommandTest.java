package org.herd.gateway.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.herd.core.crypto.NodeKeys;
import org.herd.gateway.cli.HerdMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KeysCommandTest {

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int herd(String... args) {
        CommandLine cli = HerdMain.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void generateWritesOwnerOnlySecretsAndShowReadsThemBack() throws Exception {
        Path dir = tmp.resolve("state");
        assertEquals(0, herd("keys", "generate", "--dir", dir.toString()), err.toString());
        for (String secret : new String[] {NodeKeys.IDENTITY_FILE, NodeKeys.ONION_FILE}) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(secret))));
        }
        NodeKeys keys = NodeKeys.readFrom(dir);
        String generated = out.toString();
        assertTrue(generated.contains(keys.identity().publicKey().toHex()), generated);

        out.getBuffer().setLength(0);
        assertEquals(0, herd("keys", "show", dir.toString(), dir.resolve(NodeKeys.ONION_PUBLIC_FILE).toString()));
        assertTrue(out.toString().contains(keys.identity().publicKey().toHex()), out.toString());
        assertTrue(out.toString().contains(keys.onion().publicKey().toHex()), out.toString());
    }

    @Test
    void refusesToOverwriteWithoutForceAndKeepsTheOldKeys() throws Exception {
        Path dir = tmp.resolve("state");
        assertEquals(0, herd("keys", "generate", "--dir", dir.toString()));
        NodeKeys first = NodeKeys.readFrom(dir);
        assertEquals(1, herd("keys", "generate", "--dir", dir.toString()));
        assertTrue(err.toString().contains("--force"), err.toString());
        assertEquals(first.identity().publicKey(), NodeKeys.readFrom(dir).identity().publicKey());
        assertEquals(0, herd("keys", "generate", "--dir", dir.toString(), "--force"));
        assertTrue(!first.identity().publicKey().equals(NodeKeys.readFrom(dir).identity().publicKey()));
    }

    @Test
    void badFilesAndArgumentsGetAClearErrorNotAStackTrace() throws Exception {
        Path junk = tmp.resolve("junk.key");
        Files.writeString(junk, "not a key\n");
        assertEquals(1, herd("keys", "show", junk.toString()));
        assertTrue(err.toString().contains("junk.key"), err.toString());
        assertTrue(!err.toString().contains("\tat "), "no stack trace: " + err);

        err.getBuffer().setLength(0);
        assertEquals(1, herd("keys", "show", tmp.resolve("missing").toString()));
        assertTrue(err.toString().contains("missing"), err.toString());

        err.getBuffer().setLength(0);
        assertEquals(2, herd("keys", "generate"));
        assertTrue(err.toString().contains("--dir"), err.toString());
    }
}

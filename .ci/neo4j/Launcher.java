// Launcher runs a Neo4j 5 Community server in-process (org.neo4j.test:neo4j-harness)
// for chanmap's tests. Started by .ci/neo4j-up as a single-file program:
//
//   java -cp "$(cat .ci/work/neo4j.classpath)" .ci/neo4j/Launcher.java WORKDIR PARENT_PID
//
// It serves Bolt on a free 127.0.0.1 port with authentication on (user neo4j,
// a random password), and when Bolt answers it writes WORKDIR/neo4j.env with the
// CHANMAP_NEO4J_* lines and WORKDIR/neo4j.pid. It stops by itself when the
// process PARENT_PID ends (the CI shell), and on SIGTERM (.ci/neo4j-down).
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

public class Launcher {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Launcher WORKDIR PARENT_PID");
            System.exit(2);
        }
        Path work = Path.of(args[0]).toAbsolutePath();
        long parent = Long.parseLong(args[1]);
        Files.createDirectories(work);

        int port = freePort();
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);

        long t0 = System.nanoTime();
        Neo4j neo4j = Neo4jBuilders.newInProcessBuilder(work.resolve("data"))
                .withDisabledServer()
                .withConfig(HttpConnector.enabled, false)
                .withConfig(HttpsConnector.enabled, false)
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .withConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .withConfig(GraphDatabaseSettings.auth_enabled, true)
                .withConfig(GraphDatabaseSettings.auth_max_failed_attempts, 0)
                .withConfig(GraphDatabaseSettings.pagecache_memory, 256L * 1024 * 1024)
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("neo4j launcher: stopping");
            neo4j.close();
        }));

        // The harness creates user neo4j with a password that must be changed;
        // set ours through the system database (embedded calls bypass auth).
        neo4j.databaseManagementService().database("system").executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $p CHANGE NOT REQUIRED", Map.of("p", password));

        waitForBolt(port);
        System.err.printf("neo4j launcher: Bolt answers on 127.0.0.1:%d after %.1f s%n", port, (System.nanoTime() - t0) / 1e9);

        write(work.resolve("neo4j.pid"), ProcessHandle.current().pid() + "\n");
        write(work.resolve("neo4j.env"),
                "CHANMAP_NEO4J_URI=bolt://127.0.0.1:" + port + "\n"
                        + "CHANMAP_NEO4J_USER=neo4j\n"
                        + "CHANMAP_NEO4J_PASSWORD=" + password + "\n");

        // Stop when the shell that started us is gone.
        while (true) {
            Thread.sleep(1000);
            if (ProcessHandle.of(parent).map(ProcessHandle::isAlive).orElse(false)) {
                continue;
            }
            System.err.println("neo4j launcher: parent " + parent + " ended");
            System.exit(0); // runs the shutdown hook
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    static void waitForBolt(int port) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("Bolt did not answer on port " + port + " within 60 s", e);
                }
                Thread.sleep(100);
            }
        }
    }

    // write replaces path atomically, so a reader never sees half a file.
    static void write(Path path, String text) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

package io.linli.ops;

import io.linli.core.config.LinliConfig;
import io.linli.core.db.Migrations;
import io.linli.core.local.LocalServices;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar linli.jar serve|demo|migrate [--port N]}. With no LINLI_REDIS_URL / LINLI_DATABASE_URL the
 * node starts local Redis and PostgreSQL itself, keeping their data under LINLI_DATA_DIR.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final String USAGE = "usage: linli serve|demo|migrate [--port N]";

  private Main() {}

  public static void main(String[] args) {
    try {
      run(args);
    } catch (IllegalArgumentException | LocalServicesFailure e) {
      System.err.println("linli: " + e.getMessage());
      System.exit(1);
    }
  }

  private static void run(String[] args) {
    List<String> list = Arrays.asList(args);
    String command = list.isEmpty() ? "serve" : list.get(0);
    LinliConfig config = LinliConfig.fromEnv();
    int portFlag = list.indexOf("--port");
    if (portFlag >= 0) {
      config = config.withPort(parsePort(list, portFlag));
    }
    if (!List.of("serve", "demo", "migrate").contains(command)) {
      throw new IllegalArgumentException(USAGE);
    }

    long started = System.nanoTime();
    LocalServices local = null;
    if (config.redisUrl().isEmpty() || config.databaseUrl().isEmpty()) {
      try {
        local = LocalServices.start(config.dataDir(), LocalServices.Mode.DURABLE);
      } catch (RuntimeException e) {
        throw new LocalServicesFailure(e.getMessage());
      }
      config = config.withServices(config.redisUrl().orElse(local.redisUrl()),
          config.databaseUrl().orElse(local.databaseUrl()));
    }
    LocalServices services = local;

    if (command.equals("migrate")) {
      Migrations.migrate(config.databaseUrl().orElseThrow(), Modules.SCHEMAS);
      LOG.info("migrated");
      if (services != null) {
        services.close();
      }
      return;
    }

    Node node = Node.start(config, Clock.systemUTC()).await();
    String nodeId = config.nodeId();
    Runnable closeNode = () -> {
      node.close().await();
      LOG.info("Linli node {} closed", nodeId);
    };
    if (services != null) {
      services.stopOnExitAfter(closeNode);
    } else {
      Runtime.getRuntime().addShutdownHook(new Thread(closeNode, "linli-shutdown"));
    }
    LOG.info("Linli node {} listening on port {} (started in {} ms)", config.nodeId(), node.port(),
        Duration.ofNanos(System.nanoTime() - started).toMillis());
    if (command.equals("demo")) {
      System.out.println(new DemoStore(node).seed().await());
    }
  }

  private static int parsePort(List<String> args, int flag) {
    try {
      return Integer.parseInt(args.get(flag + 1));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--port takes a number; " + USAGE);
    }
  }

  /** Local Redis or PostgreSQL could not start: the message says what to install or set. */
  private static final class LocalServicesFailure extends RuntimeException {
    LocalServicesFailure(String message) {
      super(message, null, false, false);
    }
  }
}

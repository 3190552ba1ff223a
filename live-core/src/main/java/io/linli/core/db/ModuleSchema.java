package io.linli.core.db;

/**
 * The tables one module owns: its migrations live under {@code classpath:db/<module>} and Flyway keeps their
 * history in a table of the module's own, so modules migrate independently and in dependency order.
 */
public record ModuleSchema(String module) {
  public String location() {
    return "classpath:db/" + module;
  }

  public String historyTable() {
    return "flyway_history_" + module.replace('-', '_');
  }
}

package io.linli.ops;

import io.linli.core.db.ModuleSchema;
import java.util.List;

/** Every module that owns tables, in migration order (a module after the ones it depends on). */
public final class Modules {
  public static final List<ModuleSchema> SCHEMAS = List.of(new ModuleSchema("core"), new ModuleSchema("realtime"),
      new ModuleSchema("commerce"));

  private Modules() {}
}

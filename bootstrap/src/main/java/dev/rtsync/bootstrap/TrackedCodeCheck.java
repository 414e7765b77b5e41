package dev.rtsync.bootstrap;

import dev.rtsync.adapters.postgres.TrackedTables.TrackedTable;
import dev.rtsync.domain.EntityCatalog;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.InvalidValueException;

import java.util.ArrayList;
import java.util.List;

/**
 * Start-up check of the tracked tables against what clients may subscribe to: a table whose
 * changes are logged under a code no client can subscribe to costs log rows and helps nobody,
 * and is almost always a typo on one side.
 */
final class TrackedCodeCheck {

    private TrackedCodeCheck() {
    }

    /** One line per tracked table whose changes no client can receive; empty when all is well. */
    static List<String> problems(EntityCatalog allowed, List<TrackedTable> tracked) {
        List<String> problems = new ArrayList<>();
        for (TrackedTable table : tracked) {
            EntityCode code;
            try {
                code = EntityCode.of(table.entityCode());
            } catch (InvalidValueException e) {
                problems.add(table.table() + " is tracked as '" + table.entityCode() + "', which is not a valid entity code ("
                        + e.getMessage() + "): clients cannot subscribe to it");
                continue;
            }
            if (!allowed.accepts(code)) {
                problems.add(table.table() + " is tracked as '" + code + "', which RTSYNC_ENTITY_CODES does not allow:"
                        + " clients cannot subscribe to its changes (add it there, or untrack the table)");
            }
            if (!table.enabled()) {
                problems.add(table.table() + " is tracked as '" + code + "' but its trigger " + table.trigger()
                        + " is disabled: its changes are not logged");
            }
        }
        return problems;
    }
}

package dev.rtsync.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one INVALIDATE carries to one connection: the changes of one entity code, at most one per
 * entity (the newest: a client refetches the entity anyway, so older versions add nothing),
 * ordered by version.
 */
public record ChangeBatch(EntityCode entityCode, List<Change> changes) {

    public ChangeBatch {
        Objects.requireNonNull(entityCode, "entity code");
        changes = List.copyOf(changes);
        if (changes.isEmpty()) {
            throw new InvalidValueException("a change batch holds at least one change");
        }
        for (Change change : changes) {
            if (!change.entityCode().equals(entityCode)) {
                throw new InvalidValueException("every change of a batch has the batch's entity code");
            }
        }
    }

    /**
     * Groups changes by entity code, keeping the newest change of each entity. Batches come in
     * the order their entity codes first appear; changes inside a batch by version.
     */
    public static List<ChangeBatch> group(List<Change> changes) {
        Map<EntityCode, Map<EntityId, Change>> newestByCode = new LinkedHashMap<>();
        for (Change change : Objects.requireNonNull(changes, "changes")) {
            newestByCode.computeIfAbsent(change.entityCode(), code -> new LinkedHashMap<>())
                    .merge(change.entityId(), change, (a, b) -> a.version() >= b.version() ? a : b);
        }
        List<ChangeBatch> batches = new ArrayList<>(newestByCode.size());
        newestByCode.forEach((code, newest) -> {
            List<Change> ordered = new ArrayList<>(newest.values());
            ordered.sort(Comparator.comparingLong(Change::version));
            batches.add(new ChangeBatch(code, ordered));
        });
        return batches;
    }
}

package dev.rtsync.domain;

import java.util.Optional;

/**
 * What a row of {@code app.logging} says happened to an entity, with the log's action codes.
 *
 * <p>Clients only know three actions ({@link WireAction}); SHARE and OWNER change who may see an
 * entity, so the client must refetch it and they travel as UPDATE. VIEW changes nothing and is
 * never delivered.
 */
public enum ChangeAction {
    VIEW(0),
    EDIT(1),
    SHARE(2),
    DELETE(3),
    CREATE(4),
    OWNER(5);

    private final int logCode;

    ChangeAction(int logCode) {
        this.logCode = logCode;
    }

    /** The value of {@code app.logging.action}. */
    public int logCode() {
        return logCode;
    }

    public static ChangeAction fromLogCode(int code) {
        for (ChangeAction action : values()) {
            if (action.logCode == code) {
                return action;
            }
        }
        throw new InvalidValueException("action code must be 0 to 5, the codes of app.logging.action");
    }

    /** The action a client is told of, or empty for VIEW, which is never delivered. */
    public Optional<WireAction> wireAction() {
        return switch (this) {
            case VIEW -> Optional.empty();
            case CREATE -> Optional.of(WireAction.CREATE);
            case EDIT, SHARE, OWNER -> Optional.of(WireAction.UPDATE);
            case DELETE -> Optional.of(WireAction.DELETE);
        };
    }

    public boolean isDelivered() {
        return this != VIEW;
    }
}

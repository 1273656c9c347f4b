package io.realmcluster.controlplane.battleground;

import io.realmcluster.proto.v1.BattlegroundType;
import io.realmcluster.proto.v1.QueueTicket;
import io.realmcluster.proto.v1.QueuedPlayer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Between the queue's stored form (the proto {@link QueueTicket} in etcd, what nodes send) and the
 * rules' own ({@link Ticket}, {@link Member}, {@link Battleground}): the one place the two meet.
 */
public final class StoredTickets {
    private StoredTickets() {}

    /** The battleground of a proto number, if it is one. */
    public static Optional<Battleground> battleground(final BattlegroundType type) {
        return switch (type) {
            case BATTLEGROUND_TYPE_WARSONG_GULCH -> Optional.of(Battleground.WARSONG_GULCH);
            case BATTLEGROUND_TYPE_ARATHI_BASIN -> Optional.of(Battleground.ARATHI_BASIN);
            case BATTLEGROUND_TYPE_ALTERAC_VALLEY -> Optional.of(Battleground.ALTERAC_VALLEY);
            default -> Optional.empty();
        };
    }

    public static BattlegroundType type(final Battleground battleground) {
        return switch (battleground) {
            case WARSONG_GULCH -> BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH;
            case ARATHI_BASIN -> BattlegroundType.BATTLEGROUND_TYPE_ARATHI_BASIN;
            case ALTERAC_VALLEY -> BattlegroundType.BATTLEGROUND_TYPE_ALTERAC_VALLEY;
        };
    }

    /** The rules' faction; empty for none. */
    public static Optional<Faction> faction(final io.realmcluster.proto.v1.Faction faction) {
        return switch (faction) {
            case FACTION_ALLIANCE -> Optional.of(Faction.ALLIANCE);
            case FACTION_HORDE -> Optional.of(Faction.HORDE);
            default -> Optional.empty();
        };
    }

    public static io.realmcluster.proto.v1.Faction faction(final Faction faction) {
        return faction == Faction.ALLIANCE
                ? io.realmcluster.proto.v1.Faction.FACTION_ALLIANCE
                : io.realmcluster.proto.v1.Faction.FACTION_HORDE;
    }

    public static Member member(final QueuedPlayer player) {
        return new Member(
                new CharacterKey(player.getRealm(), player.getCharacterId()),
                player.getLevel(),
                faction(player.getFaction())
                        .orElseThrow(() -> new IllegalArgumentException(player.getName() + " has no faction")));
    }

    /** A stored ticket as the rules see it; empty for one no rule knows (a battleground or bracket of no kind). */
    public static Optional<Ticket> ticket(final QueueTicket stored) {
        final Optional<Battleground> battleground = battleground(stored.getBattleground());
        if (battleground.isEmpty()) {
            return Optional.empty();
        }
        final Optional<Bracket> bracket = battleground.get().brackets().stream()
                .filter(b -> b.minLevel() == stored.getBracket())
                .findFirst();
        final Optional<Faction> faction = faction(stored.getFaction());
        if (bracket.isEmpty() || faction.isEmpty() || stored.getMembersCount() == 0) {
            return Optional.empty();
        }
        final List<Member> members = new ArrayList<>();
        for (final QueuedPlayer player : stored.getMembersList()) {
            members.add(member(player));
        }
        return Optional.of(new Ticket(
                stored.getTicketId(),
                new QueueKey(stored.getBattlegroup(), battleground.get(), bracket.get()),
                faction.get(),
                stored.getGroupId().isEmpty() ? Optional.empty() : Optional.of(stored.getGroupId()),
                members,
                stored.getJoinedAtUnixMs()));
    }

    /**
     * What a join stores for the rules' {@code accepted} ticket: its id, battlegroup and bracket, with
     * the players as {@code asked} named them.
     */
    public static QueueTicket stored(final Ticket accepted, final QueueTicket asked) {
        return asked.toBuilder()
                .setTicketId(accepted.id())
                .setBattlegroup(accepted.queue().battlegroup())
                .setBattleground(type(accepted.queue().battleground()))
                .setBracket(accepted.queue().bracket().minLevel())
                .setFaction(faction(accepted.faction()))
                .setGroupId(accepted.group().orElse(""))
                .build();
    }
}

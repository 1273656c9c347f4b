package io.realmcluster.dataplane.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.common.items.CharacterClasses;
import io.realmcluster.common.items.InventorySlots;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.store.ItemStack;
import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A client's item and trade requests reach its map, and a join brings the character's class and items there. */
class ItemRequestsTest {
    @Test
    void eachItemAndTradeRequestReachesTheMapAsAnItemRequestWithItsFields() {
        try (EmbeddedPlayer player = new EmbeddedPlayer()) {
            player.send(o -> ClientMessages.itemMove(player.frame, o, 23, 4));
            player.send(o -> ClientMessages.itemSplit(player.frame, o, 24, 40, 7));
            player.send(o -> ClientMessages.itemDestroy(player.frame, o, 25));
            player.send(o -> ClientMessages.tradeOpen(player.frame, o, 99));
            player.send(o -> ClientMessages.tradePut(player.frame, o, 5, ClientProtocol.TRADE_PUT_EMPTY));
            player.send(o -> ClientMessages.tradeMoney(player.frame, o, 1_234));
            player.send(o -> ClientMessages.tradeAccept(player.frame, o, 3));
            player.send(o -> ClientMessages.tradeCancel(player.frame, o));
            final List<String> inputs = new ArrayList<>();
            player.ingress.drain(
                    (type, buffer, index, length) -> inputs.add(
                            type == Inputs.ITEM_REQUEST && Inputs.wellFormed(type, buffer, index, length)
                                    ? Inputs.entity(buffer, index) + " 0x"
                                            + Integer.toHexString(buffer.getByte(index + Inputs.REQUEST_OPCODE)) + " "
                                            + (buffer.getByte(index + Inputs.REQUEST_A) & 0xFF) + " "
                                            + (buffer.getByte(index + Inputs.REQUEST_B) & 0xFF) + " "
                                            + buffer.getInt(index + Inputs.REQUEST_COUNT) + " "
                                            + buffer.getLong(index + Inputs.REQUEST_VALUE)
                                    : "type " + type),
                    Integer.MAX_VALUE);
            final long c = EmbeddedPlayer.CHARACTER;
            assertThat(inputs)
                    .containsExactly(
                            c + " 0x10 23 4 0 0",
                            c + " 0x11 24 40 7 0",
                            c + " 0x12 25 0 0 0",
                            c + " 0x13 0 0 0 99",
                            c + " 0x14 5 255 0 0",
                            c + " 0x15 0 0 0 1234",
                            c + " 0x16 0 0 3 0",
                            c + " 0x17 0 0 0 0");
        }
    }

    @Test
    void aJoinCarriesTheClassAndEveryItemOfTheClaimIntoTheMap() {
        try (EmbeddedPlayer player = new EmbeddedPlayer()) {
            final List<ItemStack> items = new ArrayList<>();
            for (int slot = 0; slot < InventorySlots.COUNT; slot++) {
                items.add(new ItemStack(10_000 + slot, 2589, slot, 1 + slot % 20));
            }
            final long entity = 77;
            final ClaimedCharacter character = new ClaimedCharacter(
                    entity,
                    entity,
                    1,
                    2,
                    0,
                    "main",
                    "Packrat",
                    1,
                    CharacterClasses.WARRIOR,
                    60,
                    0,
                    10,
                    0,
                    EmbeddedPlayer.CONTINENT,
                    -8913f,
                    554f,
                    0f,
                    0f,
                    0,
                    null,
                    items);
            final PlayerInputs inputs = new PlayerInputs(player.metrics);
            assertThat(inputs.join(player.ingress, player.map, EmbeddedPlayer.CONTINENT, entity, character, null, 3))
                    .isTrue();
            final int[] lengths = new int[1];
            player.ingress.drain(
                    (type, buffer, index, length) -> {
                        lengths[0] = length;
                        player.map.world().onInput(type, buffer, index, length);
                    },
                    Integer.MAX_VALUE);
            assertThat(lengths[0]).isEqualTo(Inputs.joinLength(InventorySlots.COUNT));
            assertThat(player.map.world().players())
                    .as("the embedded player's own join was drained unread")
                    .isEqualTo(1);
            assertThat(player.map.world().item(entity, 0)).containsExactly(10_000, 2589, 1);
            assertThat(player.map.world().item(entity, InventorySlots.COUNT - 1))
                    .containsExactly(10_000 + InventorySlots.COUNT - 1, 2589, 1 + (InventorySlots.COUNT - 1) % 20);
        }
    }
}

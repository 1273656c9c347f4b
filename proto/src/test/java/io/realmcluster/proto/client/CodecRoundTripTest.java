package io.realmcluster.proto.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class CodecRoundTripTest {
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
    private final Recorder recorder = new Recorder();

    @Test
    void everyClientMessageDecodesToWhatWasEncoded() {
        final int offset = 3;
        assertThat(client(ClientMessages.hello(buffer, offset, 1, "token".getBytes(StandardCharsets.UTF_8))))
                .isNull();
        assertThat(client(ClientMessages.standbyHello(buffer, offset, 3, "other".getBytes(StandardCharsets.UTF_8))))
                .isNull();
        assertThat(client(ClientMessages.enterWorld(buffer, offset, "c-0-realm")))
                .isNull();
        assertThat(client(ClientMessages.move(buffer, offset, 42, 1.5f, -2.5f, 3f, 0.25f, 7)))
                .isNull();
        assertThat(client(ClientMessages.say(buffer, offset, "hello, Goldshire ☺")))
                .isNull();
        assertThat(client(ClientMessages.attack(buffer, offset, 281474976710657L)))
                .isNull();
        assertThat(client(ClientMessages.loot(buffer, offset, -1L))).isNull();
        assertThat(client(ClientMessages.logout(buffer, offset))).isNull();
        assertThat(client(ClientMessages.ping(buffer, offset, 99))).isNull();
        assertThat(recorder.seen)
                .containsExactly(
                        "hello v1 token",
                        "standby hello v3 other",
                        "enter c-0-realm",
                        "move 42 1.5 -2.5 3.0 0.25 7",
                        "say hello, Goldshire ☺",
                        "attack 281474976710657",
                        "loot -1",
                        "logout",
                        "ping 99");
    }

    @Test
    void everyServerMessageDecodesToWhatWasEncoded() {
        final int o = 5;
        final byte[] cookie = new byte[16];
        cookie[0] = 9;
        assertThat(server(ServerMessages.welcome(buffer, o, 77, cookie, 20))).isNull();
        assertThat(server(ServerMessages.worldEntered(buffer, o, 12, 0, 1f, 2f, 3f, 4f, 100f)))
                .isNull();
        assertThat(server(ServerMessages.selfState(buffer, o, 8, 1f, 2f, 3f, 0f, 90, 100, 12, 5000, 777)))
                .isNull();
        ServerMessages.updatesHeader(buffer, o, 31, ClientProtocol.UPDATES_FLAG_RESET);
        ServerMessages.Record.write(
                buffer,
                o + ClientProtocol.UPDATES_RECORDS,
                5,
                ClientProtocol.KIND_CREATURE,
                ClientProtocol.RECORD_FLAG_DEAD,
                1f,
                2f,
                3f,
                4f,
                0,
                50);
        ServerMessages.Record.write(
                buffer,
                o + ClientProtocol.UPDATES_RECORDS + ClientProtocol.RECORD_LENGTH,
                6,
                ClientProtocol.KIND_PLAYER,
                0,
                -1f,
                -2f,
                0f,
                0f,
                80,
                100);
        assertThat(server(ServerMessages.updatesCount(buffer, o, 2))).isNull();
        assertThat(server(ServerMessages.entityGone(buffer, o, 6))).isNull();
        final UnsafeBuffer text = new UnsafeBuffer("lfg deadmines".getBytes(StandardCharsets.UTF_8));
        assertThat(server(ServerMessages.chat(buffer, o, 6, text, 0, text.capacity())))
                .isNull();
        assertThat(server(ServerMessages.looted(buffer, o, 5, 31, 5031))).isNull();
        assertThat(server(ServerMessages.redirect(buffer, o, "10.0.0.7", 8085, new byte[] {'t'}, "eu.36.g7")))
                .isNull();
        assertThat(server(ServerMessages.standby(buffer, o, "10.0.0.8", 8086, new byte[] {'s'}, "eu.0.c")))
                .isNull();
        assertThat(server(ServerMessages.disconnect(buffer, o, DisconnectReason.FLOOD, "too many frames")))
                .isNull();
        assertThat(server(ServerMessages.pong(buffer, o, 3))).isNull();
        assertThat(recorder.seen)
                .containsExactly(
                        "welcome v" + ClientProtocol.VERSION + " 77 9 20",
                        "entered 12 0 1.0 2.0 3.0 4.0 100.0",
                        "self 8 1.0 2.0 90/100 L12 5000 777",
                        "updates 31 1 [5 2 1 1.0 2.0 0] [6 1 0 -1.0 -2.0 80]",
                        "gone 1 6",
                        "chat 6 lfg deadmines",
                        "looted 5 31 5031",
                        "redirect 10.0.0.7:8085 t eu.36.g7",
                        "standby 10.0.0.8:8086 s eu.0.c",
                        "disconnect FLOOD too many frames",
                        "pong 3");
    }

    @Test
    void malformedBodiesAreRefusedWithTheirReasonAndNeverReachTheHandler() {
        assertThat(ClientMessages.decode(buffer, 0, 0, recorder)).isEqualTo(FrameError.EMPTY);
        assertThat(ClientMessages.decode(buffer, 0, ClientProtocol.MAX_BODY + 1, recorder))
                .isEqualTo(FrameError.OVERSIZED);
        buffer.putByte(0, (byte) 0x7F);
        assertThat(ClientMessages.decode(buffer, 0, 1, recorder)).isEqualTo(FrameError.UNKNOWN_OPCODE);
        final int move = ClientMessages.move(buffer, 0, 1, 0f, 0f, 0f, 0f, 0);
        assertThat(ClientMessages.decode(buffer, 0, move - 1, recorder)).isEqualTo(FrameError.BAD_LENGTH);
        ClientMessages.move(buffer, 0, 1, Float.NaN, 0f, 0f, 0f, 0);
        assertThat(ClientMessages.decode(buffer, 0, move, recorder)).isEqualTo(FrameError.BAD_FIELD);
        final int hello = ClientMessages.hello(buffer, 0, 1, new byte[10]);
        assertThat(ClientMessages.decode(buffer, 0, hello + 1, recorder)).isEqualTo(FrameError.BAD_LENGTH);
        buffer.putShort(ClientProtocol.HELLO_TOKEN_LENGTH, (short) 0, ByteOrder.LITTLE_ENDIAN);
        assertThat(ClientMessages.decode(buffer, 0, hello, recorder)).isEqualTo(FrameError.BAD_FIELD);
        // A node's opcode sent by a client is not a client message.
        final int pong = ServerMessages.pong(buffer, 0, 1);
        assertThat(ClientMessages.decode(buffer, 0, pong, recorder)).isEqualTo(FrameError.UNKNOWN_OPCODE);
        assertThat(recorder.seen).isEmpty();
    }

    @Test
    void encodersRefuseWhatTheWireCannotCarry() {
        assertThatThrownBy(() -> ClientMessages.say(buffer, 0, "x".repeat(256))).hasMessageContaining("1..255");
        assertThatThrownBy(() -> ClientMessages.hello(buffer, 0, 1, new byte[0]))
                .hasMessageContaining("token");
        assertThatThrownBy(() -> ServerMessages.updatesCount(buffer, 0, ClientProtocol.MAX_RECORDS + 1))
                .hasMessageContaining("record count");
        assertThat(ClientProtocol.UPDATES_RECORDS + ClientProtocol.MAX_RECORDS * ClientProtocol.RECORD_LENGTH)
                .isLessThanOrEqualTo(ClientProtocol.MAX_BODY);
    }

    @Test
    void framesCarryALittleEndianLengthPrefix() {
        final int body = ClientMessages.ping(buffer, ClientProtocol.LENGTH_PREFIX, 1);
        assertThat(Frames.prefix(buffer, 0, body)).isEqualTo(11);
        assertThat(buffer.getByte(0)).isEqualTo((byte) 9);
        assertThat(buffer.getByte(1)).isEqualTo((byte) 0);
        assertThat(Frames.bodyLength(buffer, 0)).isEqualTo(9);
    }

    @Test
    void queueMessagesDecodeToWhatWasEncodedAndMalformedOnesAreRefused() {
        assertThat(client(ClientMessages.queueRequest(buffer, 3, ClientProtocol.QUEUE_JOIN, 1)))
                .isNull();
        assertThat(client(ClientMessages.queueRequest(buffer, 3, ClientProtocol.QUEUE_LEAVE, 3)))
                .isNull();
        assertThat(client(ClientMessages.queueStatusRequest(buffer, 3))).isNull();
        int length = ServerMessages.queueStatusHeader(buffer, 5, 2);
        length += ServerMessages.queuePlace(buffer, 5 + length, 1, 4, 17);
        length += ServerMessages.queuePlace(buffer, 5 + length, 2, 1, 1);
        assertThat(server(length)).isNull();
        assertThat(server(ServerMessages.queueRefused(buffer, 5, 3, "Hero-main is already in 3 queues\n")))
                .isNull();
        assertThat(recorder.seen)
                .containsExactly(
                        "queue join 1",
                        "queue leave 3",
                        "queue status?",
                        "queue status 1:4/17 2:1/1",
                        "queue refused 3 Hero-main is already in 3 queues?");
        // A join without its battleground, a status claiming more places than it carries or than a player has.
        buffer.putByte(3, ClientProtocol.QUEUE_JOIN);
        assertThat(client(1)).isEqualTo(FrameError.BAD_LENGTH);
        ServerMessages.queueStatusHeader(buffer, 5, 2);
        assertThat(server(ClientProtocol.QUEUE_STATUS_PLACES + ClientProtocol.QUEUE_PLACE_LENGTH))
                .isEqualTo(FrameError.BAD_LENGTH);
        buffer.putByte(5 + ClientProtocol.QUEUE_STATUS_COUNT, (byte) 4);
        assertThat(server(ClientProtocol.QUEUE_STATUS_PLACES + 4 * ClientProtocol.QUEUE_PLACE_LENGTH))
                .isEqualTo(FrameError.BAD_FIELD);
    }

    @Test
    void inviteMessagesDecodeToWhatWasEncodedAndMalformedOnesAreRefused() {
        final String id = "3712391e-c45a-410f-9c04-56a8cdab2a44";
        assertThat(client(ClientMessages.inviteAnswer(buffer, 3, id, true))).isNull();
        assertThat(client(ClientMessages.inviteAnswer(buffer, 3, id, false))).isNull();
        assertThat(server(ServerMessages.battlegroundInvite(buffer, 5, 1, 80, id)))
                .isNull();
        assertThat(server(ServerMessages.inviteGone(buffer, 5, 2, id))).isNull();
        assertThat(server(ServerMessages.inviteAccepted(buffer, 5, 3, 2, id))).isNull();
        assertThat(recorder.seen)
                .containsExactly(
                        "accept " + id,
                        "decline " + id,
                        "invite 1 80s " + id,
                        "invite gone 2 " + id,
                        "accepted 3 team 2 " + id);
        // An answer whose match id is empty, or says it is longer than the frame.
        buffer.putByte(3, ClientProtocol.INVITE_ACCEPT);
        buffer.putByte(3 + ClientProtocol.ANSWER_MATCH_LENGTH, (byte) 0);
        assertThat(client(ClientProtocol.ANSWER_MATCH)).isNotNull();
        ServerMessages.battlegroundInvite(buffer, 5, 1, 80, id);
        assertThat(server(ClientProtocol.INVITE_MATCH + 3)).isNotNull();
    }

    @Test
    void battlegroundStateAndLeaveDecodeToWhatWasEncodedAndMalformedOnesAreRefused() {
        assertThat(client(ClientMessages.battlegroundLeave(buffer, 3))).isNull();
        int length = ServerMessages.battlegroundStateHeader(buffer, 5, 489, 1, 0, 2, 1, 10, 9, 0, 2);
        length += ServerMessages.battlegroundObjective(buffer, 5 + length, 1, 1, 0, 916.5f, 1434.25f, 0, 77L);
        length += ServerMessages.battlegroundObjective(buffer, 5 + length, 2, 2, 0, 1200f, 1400f, 8_000, 0L);
        assertThat(server(length)).isNull();
        assertThat(server(ServerMessages.battlegroundStateHeader(buffer, 5, 30, 2, 3, 0, 0, 0, 0, 120_000, 0)))
                .isNull();
        assertThat(recorder.seen)
                .containsExactly(
                        "leave battleground",
                        "bg 489 phase 1 winner 0 2:1 players 10:9 0ms [1 1 0 916.5,1434.25 0ms carrier 77]"
                                + " [2 2 0 1200.0,1400.0 8000ms carrier 0]",
                        "bg 30 phase 2 winner 3 0:0 players 0:0 120000ms");
        // A leave with a field, a state claiming more objectives than it carries or than a battleground has.
        buffer.putByte(3, ClientProtocol.BATTLEGROUND_LEAVE);
        assertThat(client(2)).isEqualTo(FrameError.BAD_LENGTH);
        ServerMessages.battlegroundStateHeader(buffer, 5, 529, 1, 0, 0, 0, 1, 1, 0, 5);
        assertThat(server(ClientProtocol.BG_STATE_OBJECTIVES + ClientProtocol.BG_OBJECTIVE_LENGTH))
                .isEqualTo(FrameError.BAD_LENGTH);
        buffer.putByte(5 + ClientProtocol.BG_STATE_OBJECTIVE_COUNT, (byte) 6);
        assertThat(server(ClientProtocol.BG_STATE_OBJECTIVES + 6 * ClientProtocol.BG_OBJECTIVE_LENGTH))
                .isEqualTo(FrameError.BAD_FIELD);
    }

    @Test
    void itemAndTradeRequestsDecodeToWhatWasEncoded() {
        assertThat(client(ClientMessages.itemMove(buffer, 3, 23, 4))).isNull();
        assertThat(client(ClientMessages.itemSplit(buffer, 3, 24, 102, 65535))).isNull();
        assertThat(client(ClientMessages.itemDestroy(buffer, 3, 255))).isNull();
        assertThat(client(ClientMessages.tradeOpen(buffer, 3, 281474976710657L)))
                .isNull();
        assertThat(client(ClientMessages.tradePut(buffer, 3, 5, ClientProtocol.TRADE_PUT_EMPTY)))
                .isNull();
        assertThat(client(ClientMessages.tradeMoney(buffer, 3, 12_345L))).isNull();
        assertThat(client(ClientMessages.tradeAccept(buffer, 3, -1))).isNull();
        assertThat(client(ClientMessages.tradeCancel(buffer, 3))).isNull();
        assertThat(recorder.seen)
                .containsExactly(
                        "item move 23->4",
                        "item split 24->102 x65535",
                        "item destroy 255",
                        "trade open 281474976710657",
                        "trade put 5 255",
                        "trade money 12345",
                        "trade accept v4294967295",
                        "trade cancel");
        // Each request one byte short, or one byte long: refused, never handled.
        final byte[] opcodes = {
            ClientProtocol.ITEM_MOVE, ClientProtocol.ITEM_SPLIT, ClientProtocol.ITEM_DESTROY, ClientProtocol.TRADE_OPEN,
            ClientProtocol.TRADE_PUT, ClientProtocol.TRADE_MONEY, ClientProtocol.TRADE_ACCEPT,
                    ClientProtocol.TRADE_CANCEL
        };
        final int[] lengths = {3, 5, 2, 9, 3, 9, 5, 1};
        for (int i = 0; i < opcodes.length; i++) {
            buffer.putByte(3, opcodes[i]);
            if (lengths[i] > 1) {
                assertThat(client(lengths[i] - 1)).isEqualTo(FrameError.BAD_LENGTH);
            }
            assertThat(client(lengths[i] + 1)).isEqualTo(FrameError.BAD_LENGTH);
        }
        assertThat(recorder.seen).hasSize(8);
        assertThatThrownBy(() -> ClientMessages.itemMove(buffer, 3, 256, 0)).hasMessageContaining("0..255");
        assertThatThrownBy(() -> ClientMessages.itemSplit(buffer, 3, 1, 2, 65536))
                .hasMessageContaining("0..65535");
    }

    @Test
    void itemMessagesDecodeToWhatWasEncodedAndMalformedOnesAreRefused() {
        int length = ServerMessages.inventory(buffer, 5, 2);
        length += ServerMessages.ItemEntry.write(buffer, 5 + length, 0, 1L << 40, 101, 1);
        length += ServerMessages.ItemEntry.write(buffer, 5 + length, 102, 7, 501, 20);
        assertThat(server(length)).isNull();
        assertThat(server(ServerMessages.inventory(buffer, 5, 0))).isNull();
        length = ServerMessages.itemSlots(buffer, 5, 1);
        length += ServerMessages.ItemEntry.write(buffer, 5 + length, 23, 0, 0, 0);
        assertThat(server(length)).isNull();
        assertThat(server(ServerMessages.itemRefused(buffer, 5, ClientProtocol.ITEM_MOVE, ItemRefusal.CLASS_CANNOT)))
                .isNull();
        assertThat(server(ServerMessages.itemRefused(
                        buffer, 5, ClientProtocol.TRADE_OPEN, ItemRefusal.OTHER_REALM, "Thrall is of realm eu-2\n")))
                .isNull();
        assertThat(recorder.seen)
                .containsExactly(
                        "inventory [0 1099511627776 t101 x1] [102 7 t501 x20]",
                        "inventory",
                        "item slots [23 0 t0 x0]",
                        "item refused 0x10 CLASS_CANNOT your class cannot use that item",
                        "item refused 0x13 OTHER_REALM Thrall is of realm eu-2?");
        // Entries fewer than the count, ITEM_SLOTS with none, a count above a character's slots, an unknown reason.
        ServerMessages.inventory(buffer, 5, 2);
        assertThat(server(ClientProtocol.ITEMS_ENTRIES + ClientProtocol.ITEM_ENTRY_LENGTH))
                .isEqualTo(FrameError.BAD_LENGTH);
        buffer.putByte(5, ClientProtocol.ITEM_SLOTS);
        buffer.putByte(5 + ClientProtocol.ITEMS_COUNT, (byte) 0);
        assertThat(server(ClientProtocol.ITEMS_ENTRIES)).isEqualTo(FrameError.BAD_FIELD);
        buffer.putByte(5 + ClientProtocol.ITEMS_COUNT, (byte) (ClientProtocol.MAX_ITEM_ENTRIES + 1));
        assertThat(server(ClientProtocol.ITEMS_ENTRIES
                        + (ClientProtocol.MAX_ITEM_ENTRIES + 1) * ClientProtocol.ITEM_ENTRY_LENGTH))
                .isEqualTo(FrameError.BAD_FIELD);
        final int refused = ServerMessages.itemRefused(buffer, 5, ClientProtocol.LOOT, ItemRefusal.BUSY);
        assertThat(server(refused + 1)).isEqualTo(FrameError.BAD_LENGTH);
        buffer.putByte(5 + ClientProtocol.ITEM_REFUSED_REASON, (byte) 200);
        assertThat(server(refused)).isNull();
        assertThat(recorder.seen.get(recorder.seen.size() - 1)).isEqualTo("item refused 0x6 UNKNOWN busy, try again");
        assertThatThrownBy(() -> ServerMessages.itemSlots(buffer, 5, 0)).hasMessageContaining("item entry count");
        assertThat(ClientProtocol.ITEMS_ENTRIES + ClientProtocol.MAX_ITEM_ENTRIES * ClientProtocol.ITEM_ENTRY_LENGTH)
                .isLessThanOrEqualTo(ClientProtocol.MAX_BODY);
    }

    @Test
    void tradeStateDecodesToWhatWasEncodedAndMalformedOnesAreRefused() {
        int length = ServerMessages.tradeState(
                buffer, 5, 7, 99L, ClientProtocol.TRADE_PHASE_OPEN, true, false, 250, 0, 1, 1, null);
        length += ServerMessages.TradeEntry.write(buffer, 5 + length, ClientProtocol.TRADE_SIDE_YOURS, 0, 11, 201, 5);
        length += ServerMessages.TradeEntry.write(buffer, 5 + length, ClientProtocol.TRADE_SIDE_THEIRS, 5, 12, 301, 1);
        assertThat(server(length)).isNull();
        assertThat(server(ServerMessages.tradeState(
                        buffer,
                        5,
                        8,
                        99L,
                        ClientProtocol.TRADE_PHASE_CANCELLED,
                        false,
                        false,
                        0,
                        0,
                        0,
                        0,
                        ItemRefusal.OUT_OF_RANGE)))
                .isNull();
        assertThat(recorder.seen)
                .containsExactly(
                        "trade v7 with 99 phase 1 accepted true/false money 250/0 cancel UNKNOWN [0:0 11 t201 x5]"
                                + " [1:5 12 t301 x1]",
                        "trade v8 with 99 phase 4 accepted false/false money 0/0 cancel OUT_OF_RANGE");
        // Fewer entries than the counts say, more items than a side has places.
        ServerMessages.tradeState(buffer, 5, 1, 2L, 1, false, false, 0, 0, 2, 0, null);
        assertThat(server(ClientProtocol.TRADE_STATE_ENTRIES + ClientProtocol.TRADE_ENTRY_LENGTH))
                .isEqualTo(FrameError.BAD_LENGTH);
        buffer.putByte(5 + ClientProtocol.TRADE_STATE_THEIR_COUNT, (byte) 7);
        assertThat(server(ClientProtocol.TRADE_STATE_ENTRIES + 9 * ClientProtocol.TRADE_ENTRY_LENGTH))
                .isEqualTo(FrameError.BAD_FIELD);
        assertThatThrownBy(() -> ServerMessages.tradeState(buffer, 5, 1, 2L, 1, false, false, 0, 0, 7, 0, null))
                .hasMessageContaining("0..6");
        assertThat(recorder.seen).hasSize(2);
    }

    private FrameError client(final int length) {
        return ClientMessages.decode(buffer, 3, length, recorder);
    }

    private FrameError server(final int length) {
        return ServerMessages.decode(buffer, 5, length, recorder);
    }
}

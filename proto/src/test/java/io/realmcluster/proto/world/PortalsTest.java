package io.realmcluster.proto.world;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PortalsTest {
    @Test
    void aMoveTriggersAPortalOnlyByCrossingIntoIt() {
        final Portals.Portal[] continent = Portals.on(0);
        final Portals.Portal stockade = Portals.entranceTo(34).orElseThrow();
        final float outside = Portals.RADIUS + 1f;

        assertThat(Portals.enteredBy(continent, stockade.x() - outside, stockade.y(), stockade.x() - 1f, stockade.y()))
                .isEqualTo(stockade);
        assertThat(Portals.enteredBy(continent, stockade.x() - 1f, stockade.y(), stockade.x() + 1f, stockade.y()))
                .as("a step inside it, as after arriving in it")
                .isNull();
        assertThat(Portals.enteredBy(
                        continent, stockade.x() - outside, stockade.y(), stockade.x() - outside, stockade.y() + 1f))
                .as("a step past it")
                .isNull();
        assertThat(Portals.enteredBy(Portals.on(1), stockade.x() - outside, stockade.y(), stockade.x(), stockade.y()))
                .as("another map's portals")
                .isNull();
    }

    @Test
    void leavingADungeonComesOutClearOfItsEntranceAndEnteringItClearOfItsExit() {
        final Portals.Portal entrance = Portals.entranceTo(34).orElseThrow();
        final Portals.Portal exit = Portals.on(34)[0];
        assertThat(exit.toMapId()).isEqualTo(entrance.mapId());
        assertThat(entrance.contains(exit.toX(), exit.toY())).isFalse();
        assertThat(exit.contains(entrance.toX(), entrance.toY())).isFalse();
    }
}

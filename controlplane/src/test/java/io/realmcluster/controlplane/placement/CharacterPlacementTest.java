package io.realmcluster.controlplane.placement;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which continent a character saved inside an instance comes back to. */
class CharacterPlacementTest {
    @Test
    void instancesReturnToTheContinentOfTheirEntrance() {
        assertThat(CharacterPlacement.entranceContinent(36)).as("Deadmines").isZero();
        assertThat(CharacterPlacement.entranceContinent(409)).as("Molten Core").isZero();
        assertThat(CharacterPlacement.entranceContinent(43))
                .as("Wailing Caverns")
                .isEqualTo(1);
        assertThat(CharacterPlacement.entranceContinent(249))
                .as("Onyxia's Lair")
                .isEqualTo(1);
        assertThat(CharacterPlacement.entranceContinent(489))
                .as("Warsong Gulch")
                .isEqualTo(1);
        assertThat(CharacterPlacement.entranceContinent(30))
                .as("Alterac Valley")
                .isZero();
    }
}

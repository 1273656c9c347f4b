package io.realmcluster.dataplane.net;

import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.transfer.BattlegroundTrips;
import io.realmcluster.dataplane.world.InstanceHost;

/** A player's session as {@link BattlegroundExits} sees it: where it plays, and how it sets off home. */
interface HomeTraveller {
    /** The map it plays on, or null. Any thread. */
    InstanceHost.Running map();

    /** Whether it is in the world. Any thread. */
    boolean inWorld();

    /** Freeze it for its planned trip home to {@code entry}, or give the trip up. Any thread. */
    void travelHome(BattlegroundTrips.Homeward trip, ClaimedCharacter.BattlegroundEntry entry);
}

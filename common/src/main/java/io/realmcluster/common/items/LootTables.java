package io.realmcluster.common.items;

/**
 * What a slain creature drops besides its money: one roll on its level range's table (1-10,
 * 11-20, ... 51-60; a creature above 60 rolls on the last), which gives nothing or one stack of
 * one item. Pure and allocation-free: a map rolls with its own random bits on its tick thread, and
 * a drop is a long ({@link #template}, {@link #count}), 0 for nothing.
 */
public final class LootTables {
    /** Per range: template id, weight, smallest and largest stack; the weights of a range sum to {@link #WEIGHTS}. */
    private static final int[][][] TABLES = {
        // Levels 1-10.
        {
            {0, 400, 0, 0},
            {2589, 180, 1, 3},
            {2770, 60, 1, 2},
            {4540, 90, 1, 4},
            {118, 80, 1, 2},
            {2092, 30, 1, 1},
            {25, 25, 1, 1},
            {36, 25, 1, 1},
            {35, 20, 1, 1},
            {193, 25, 1, 1},
            {1364, 20, 1, 1},
            {1374, 20, 1, 1},
            {4496, 25, 1, 1}
        },
        // Levels 11-20.
        {
            {0, 450, 0, 0},
            {2589, 90, 1, 4},
            {2592, 90, 1, 3},
            {2771, 50, 1, 2},
            {4541, 80, 1, 4},
            {858, 70, 1, 2},
            {2361, 20, 1, 1},
            {2504, 20, 1, 1},
            {2210, 20, 1, 1},
            {2653, 25, 1, 1},
            {11287, 15, 1, 1},
            {2092, 15, 1, 1},
            {25, 20, 1, 1},
            {4238, 25, 1, 1},
            {4240, 10, 1, 1}
        },
        // Levels 21-30.
        {
            {0, 425, 0, 0},
            {2592, 80, 1, 3},
            {4306, 90, 1, 3},
            {2772, 50, 1, 2},
            {4542, 80, 1, 4},
            {929, 70, 1, 2},
            {2207, 25, 1, 1},
            {2488, 25, 1, 1},
            {1292, 25, 1, 1},
            {1486, 25, 1, 1},
            {6402, 20, 1, 1},
            {5009, 15, 1, 1},
            {4240, 20, 1, 1},
            {4245, 15, 1, 1},
            {1374, 10, 1, 1},
            {2265, 25, 1, 1}
        },
        // Levels 31-40.
        {
            {0, 450, 0, 0},
            {4306, 70, 1, 3},
            {4338, 100, 1, 3},
            {2772, 50, 1, 3},
            {4544, 80, 1, 4},
            {1710, 70, 1, 2},
            {1933, 25, 1, 1},
            {6336, 25, 1, 1},
            {6337, 25, 1, 1},
            {3455, 20, 1, 1},
            {1713, 20, 1, 1},
            {4245, 20, 1, 1},
            {10050, 15, 1, 1},
            {2488, 10, 1, 1},
            {1486, 10, 1, 1},
            {5009, 10, 1, 1}
        },
        // Levels 41-50.
        {
            {0, 420, 0, 0},
            {4338, 80, 1, 3},
            {14047, 80, 1, 2},
            {10620, 50, 1, 2},
            {4601, 80, 1, 4},
            {3928, 70, 1, 2},
            {12783, 20, 1, 1},
            {13018, 20, 1, 1},
            {11684, 20, 1, 1},
            {14637, 20, 1, 1},
            {13340, 20, 1, 1},
            {13390, 20, 1, 1},
            {10050, 20, 1, 1},
            {6336, 20, 1, 1},
            {1933, 20, 1, 1},
            {6337, 20, 1, 1},
            {3455, 20, 1, 1}
        },
        // Levels 51-60.
        {
            {0, 420, 0, 0},
            {14047, 150, 1, 3},
            {10620, 50, 1, 3},
            {8950, 80, 1, 4},
            {13446, 70, 1, 2},
            {12783, 20, 1, 1},
            {13000, 20, 1, 1},
            {12935, 20, 1, 1},
            {14637, 20, 1, 1},
            {11815, 15, 1, 1},
            {12590, 15, 1, 1},
            {13340, 20, 1, 1},
            {13390, 20, 1, 1},
            {14046, 30, 1, 1},
            {11684, 30, 1, 1},
            {13018, 20, 1, 1}
        }
    };

    /** The weights of every range's table sum to this. */
    public static final int WEIGHTS = 1_000;

    static {
        for (int range = 0; range < TABLES.length; range++) {
            int sum = 0;
            for (final int[] entry : TABLES[range]) {
                sum += entry[1];
                if (entry[0] != 0 && ItemTemplates.byId(entry[0]) == null) {
                    throw new IllegalStateException("loot range " + range + " names no template " + entry[0]);
                }
                if (entry[0] != 0 && entry[3] > ItemTemplates.byId(entry[0]).maxStack()) {
                    throw new IllegalStateException("loot range " + range + " drops more " + entry[0] + " than stack");
                }
            }
            if (sum != WEIGHTS) {
                throw new IllegalStateException("loot range " + range + " weighs " + sum + ", not " + WEIGHTS);
            }
        }
    }

    private LootTables() {}

    /**
     * The drop of a creature of {@code level}, from {@code randomBits} (any 64 random bits; the low
     * 32 pick the entry, the high 32 the stack size): 0 for nothing, else template and count.
     */
    public static long roll(final int level, final long randomBits) {
        final int[][] table = TABLES[Math.min(TABLES.length - 1, Math.max(0, (level - 1) / 10))];
        int pick = (int) Long.remainderUnsigned(randomBits & 0xFFFF_FFFFL, WEIGHTS);
        for (final int[] entry : table) {
            pick -= entry[1];
            if (pick < 0) {
                if (entry[0] == 0) {
                    return 0;
                }
                final int spread = entry[3] - entry[2] + 1;
                final int count = entry[2] + (int) Long.remainderUnsigned(randomBits >>> 32, spread);
                return (long) entry[0] << 32 | count;
            }
        }
        return 0;
    }

    /** The template id of a drop from {@link #roll}. */
    public static int template(final long drop) {
        return (int) (drop >>> 32);
    }

    /** The stack size of a drop from {@link #roll}. */
    public static int count(final long drop) {
        return (int) drop;
    }
}

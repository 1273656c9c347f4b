package io.realmcluster.dataplane.store;

/**
 * One item a character holds, as its realm's database has it: its id (unique in the realm, never
 * reused), its template ({@code io.realmcluster.common.items.ItemTemplates}), the slot it is in
 * ({@code io.realmcluster.common.items.InventorySlots}) and its stack size.
 */
public record ItemStack(long itemId, int templateId, int slot, int count) {}

package io.realmcluster.common.db;

/** Where realm {@code realm}'s own database is and who connects to it; the password never shows in {@link #toString()}. */
public record RealmDatabase(String realm, String url, DatabaseCredentials credentials) {
    @Override
    public String toString() {
        return "RealmDatabase[realm=" + realm + ", url=" + Database.redact(url) + ", credentials=" + credentials + "]";
    }
}

# Shared by the launchers in bin/: find a JDK, build the jars when missing or stale, run a main class.
# Sourced, not executed.

REALM_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REALM_HOME

die() {
  echo "bin/$(basename "$0"): error: $*" >&2
  exit 1
}

# Major version of the java binary $1 (17, 21, 25...), or empty.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -1
}

# Sets JAVA to the newest JDK found (JAVA_HOME first when it is 17 or newer) and JAVA_MAJOR to its version.
find_java() {
  local best="" best_major=0 candidate major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    best="$JAVA_HOME/bin/java"
    best_major="$(java_major "$best")"
  else
    for candidate in /usr/lib/jvm/*/bin/java "$(command -v java 2>/dev/null || true)"; do
      [ -x "$candidate" ] || continue
      [ -x "$(dirname "$candidate")/javac" ] || continue
      major="$(java_major "$candidate")"
      if [ -n "$major" ] && [ "$major" -gt "$best_major" ]; then
        best="$candidate"
        best_major="$major"
      fi
    done
  fi
  if [ -z "$best" ] || [ "${best_major:-0}" -lt 17 ]; then
    die "needs a JDK 17 or newer (found ${best:-none}); install one, e.g. apt-get install openjdk-17-jdk-headless, or set JAVA_HOME"
  fi
  JAVA="$best"
  JAVA_MAJOR="$best_major"
  JAVA_HOME="$(cd "$(dirname "$JAVA")/.." && pwd)"
  export JAVA_HOME
}

# JVM flags every binary needs: Agrona's access to jdk.internal.misc; generational ZGC on 21+;
# native access and Unsafe allowed on the JDKs that would otherwise warn about Netty and Agrona.
jvm_flags() {
  JVM_FLAGS=(--add-exports java.base/jdk.internal.misc=ALL-UNNAMED)
  if [ "$JAVA_MAJOR" -ge 21 ]; then
    JVM_FLAGS+=(-XX:+UseZGC)
    [ "$JAVA_MAJOR" -lt 23 ] && JVM_FLAGS+=(-XX:+ZGenerational)
    JVM_FLAGS+=(--enable-native-access=ALL-UNNAMED)
  fi
  if [ "$JAVA_MAJOR" -ge 23 ]; then
    JVM_FLAGS+=(--sun-misc-unsafe-memory-access=allow)
  fi
}

# Maven through the wrapper, with the flags that keep it quiet on newer JDKs.
mvnw() {
  if [ "$JAVA_MAJOR" -ge 23 ]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
  "$REALM_HOME/mvnw" "$@"
}

# Build module $1 (and what it needs) when its jar is missing or older than any source it is built from.
ensure_built() {
  local module="$1" jar
  jar="$(ls "$REALM_HOME/$module"/target/realmcluster-"$module"-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -1 || true)"
  if [ -n "$jar" ] && [ -d "$REALM_HOME/$module/target/lib" ]; then
    if [ -z "$(find "$REALM_HOME"/{proto,common,processes,testkit,controlplane,dataplane,tools,bench}/src/main "$REALM_HOME"/*/pom.xml "$REALM_HOME/pom.xml" \
                -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
      return 0
    fi
    echo "bin/$(basename "$0"): sources changed since the last build; rebuilding $module" >&2
  else
    echo "bin/$(basename "$0"): building $module (first run; takes a minute)" >&2
  fi
  # The copy of the runtime dependencies never deletes: a jar no longer needed would stay on the class path.
  rm -rf "$REALM_HOME/$module/target/lib"
  (cd "$REALM_HOME" && mvnw -q -B -ntp -DskipTests -Dmaven.test.skip=true install -pl "$module" -am) >&2 \
    || die "the build of $module failed; run ./mvnw -pl $module -am install to see why"
}

# exec the main class $2 of module $1 with the remaining arguments.
run_main() {
  local module="$1" main="$2" jar
  shift 2
  find_java
  ensure_built "$module"
  jvm_flags
  jar="$(ls "$REALM_HOME/$module"/target/realmcluster-"$module"-*.jar | grep -v -- '-tests.jar' | head -1)"
  # shellcheck disable=SC2086
  exec "$JAVA" "${JVM_FLAGS[@]}" ${REALM_JAVA_OPTS:-} -cp "$jar:$REALM_HOME/$module/target/lib/*" "$main" "$@"
}

# Make sure etcd is installed: from Debian's etcd-server package when root with apt, else say what to do.
# The chaos run's node partition needs iptables; as root it is installed, otherwise that fault is skipped (said so).
ensure_iptables() {
  if command -v iptables >/dev/null 2>&1 || [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    return 0
  fi
  echo "bin/$(basename "$0"): iptables is not installed (the node-partition fault needs it); installing Debian's iptables package" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables; } \
    >/tmp/realmcluster-apt.log 2>&1 \
    || echo "bin/$(basename "$0"): installing iptables failed (log: /tmp/realmcluster-apt.log); node-partition will be skipped" >&2
}

ensure_etcd() {
  if command -v etcd >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bin/$(basename "$0"): etcd is not installed; installing Debian's etcd-server package" >&2
    local policy_created=""
    # The package would start a system-wide etcd on port 2379; the project starts its own.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_created=1
    fi
    local status=0
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server etcd-client; } \
      >/tmp/realmcluster-apt.log 2>&1 || status=$?
    [ -n "$policy_created" ] && rm -f /usr/sbin/policy-rc.d
    if [ "$status" != 0 ] || ! command -v etcd >/dev/null 2>&1; then
      die "installing etcd-server with apt-get failed (log: /tmp/realmcluster-apt.log); install etcd 3.4 or newer and put it on PATH"
    fi
    return 0
  fi
  die "etcd is not installed. Install it with: sudo apt-get install etcd-server etcd-client (Debian/Ubuntu), or put an etcd 3.4+ binary on PATH"
}

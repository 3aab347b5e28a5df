package org.herd.core.call;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.herd.core.crypto.IdentityPublicKey;

/**
 * Test helper for I2/I3: walks the object graph of a node's protocol state (objects of the
 * circuit, call, crypto and wire packages, and the collections and arrays they hold) and reports
 * every place where a given identity key appears, as an {@link IdentityPublicKey} or as its 32
 * bytes inside any byte array. Fields that lead out of the node (its outlet, clock, random
 * source, directory endpoint) are not followed: they are the environment, not the node's state.
 */
final class ObjectScan {

    private ObjectScan() {
    }

    static List<String> find(Object root, IdentityPublicKey key) {
        List<String> hits = new ArrayList<>();
        walk(root, key.encoded(), key, "root", new IdentityHashMap<>(), hits);
        return hits;
    }

    private static void walk(Object o, byte[] needle, IdentityPublicKey key, String path,
            IdentityHashMap<Object, Boolean> seen, List<String> hits) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof IdentityPublicKey k) {
            if (k.equals(key)) {
                hits.add(path);
            }
            return;
        }
        if (o instanceof byte[] b) {
            if (contains(b, needle)) {
                hits.add(path);
            }
            return;
        }
        if (o instanceof ByteBuffer bb && bb.hasArray()) {
            walk(bb.array(), needle, key, path + ".array", seen, hits);
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                walk(e.getKey(), needle, key, path + ".key", seen, hits);
                walk(e.getValue(), needle, key, path + "[" + e.getKey() + "]", seen, hits);
            }
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object x : c) {
                walk(x, needle, key, path + "[" + i++ + "]", seen, hits);
            }
            return;
        }
        Class<?> cls = o.getClass();
        if (cls.isArray()) {
            if (!cls.getComponentType().isPrimitive()) {
                for (int i = 0; i < Array.getLength(o); i++) {
                    walk(Array.get(o, i), needle, key, path + "[" + i + "]", seen, hits);
                }
            }
            return;
        }
        String pkg = cls.getPackageName();
        if (!(pkg.startsWith("org.herd.core.circuit") || pkg.startsWith("org.herd.core.crypto")
                || pkg.startsWith("org.herd.core.wire") || pkg.equals("org.herd.core.call"))) {
            return;
        }
        for (Class<?> c = cls; c != null && c.getPackageName().startsWith("org.herd"); c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                    continue;
                }
                String n = f.getName();
                if (n.equals("outlet") || n.equals("clock") || n.equals("random") || n.equals("directory")
                        || n.equals("listener")) {
                    continue;
                }
                f.setAccessible(true);
                try {
                    walk(f.get(o), needle, key, path + "." + n, seen, hits);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}

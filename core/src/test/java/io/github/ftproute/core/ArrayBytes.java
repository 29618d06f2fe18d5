package io.github.ftproute.core;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Measures the arrays an allocator really holds: walks the instance fields of every object of this
 * package reachable from the root (not leases or keys, which are per use) and adds up each array's
 * header and actual length times its element size (references at 4 bytes, compressed oops). A new
 * or bigger array anywhere in the allocator's internals shows up here.
 */
final class ArrayBytes {
  private ArrayBytes() {}

  static long reachableFrom(Object root) {
    Map<Object, Boolean> seen = new IdentityHashMap<>();
    Deque<Object> todo = new ArrayDeque<>();
    todo.push(root);
    long total = 0;
    while (!todo.isEmpty()) {
      Object o = todo.pop();
      if (seen.put(o, Boolean.TRUE) != null) {
        continue;
      }
      Class<?> c = o.getClass();
      if (c.isArray()) {
        Class<?> e = c.getComponentType();
        int length = Array.getLength(o);
        total += 16 + (long) length * elementBytes(e);
        if (!e.isPrimitive()) {
          for (int i = 0; i < length; i++) {
            Object element = Array.get(o, i);
            if (element != null && walked(element.getClass())) {
              todo.push(element);
            }
          }
        }
        continue;
      }
      for (Class<?> k = c; k != null && walked(k); k = k.getSuperclass()) {
        for (Field f : k.getDeclaredFields()) {
          if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
            continue;
          }
          f.setAccessible(true);
          Object value;
          try {
            value = f.get(o);
          } catch (IllegalAccessException ex) {
            throw new AssertionError(ex);
          }
          if (value != null && (value.getClass().isArray() || walked(value.getClass()))) {
            todo.push(value);
          }
        }
      }
    }
    return total;
  }

  private static boolean walked(Class<?> c) {
    return c.getPackageName().equals("io.github.ftproute.core") && c != PortLease.class && c != ClientKey.class;
  }

  private static int elementBytes(Class<?> e) {
    if (e == long.class || e == double.class) {
      return 8;
    }
    if (e == int.class || e == float.class) {
      return 4;
    }
    if (e == short.class || e == char.class) {
      return 2;
    }
    return e == byte.class || e == boolean.class ? 1 : 4;
  }
}

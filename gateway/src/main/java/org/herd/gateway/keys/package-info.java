/** {@code herd keys}: generating and inspecting node key files (§3.2 of the Herd paper: identity and onion keys). */
package org.herd.gateway.keys;

/**
 * Configuration of the {@code herd} roles (DESIGN.md §5): one typed, validated-once record per
 * role ({@link org.herd.gateway.config.DirectoryConfig}, {@link org.herd.gateway.config.MixConfig},
 * {@link org.herd.gateway.config.ClientConfig}), read with Apache Commons Configuration 2 from the
 * properties files shipped in {@code etc/} and overridable by {@code HERD_*} environment
 * variables and {@code -D} system properties ({@link org.herd.gateway.config.HerdConfiguration}).
 * Keys and defaults live in one place per role (its {@code DEFAULTS}); every key is documented in
 * the shipped file; a bad value is one {@link org.herd.gateway.config.ConfigException} naming the
 * key, the value and where it came from. Gateway layer: above herd-core's roles.
 */
package org.herd.gateway.config;

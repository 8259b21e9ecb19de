/**
 * The audit of one file and of a stream of them, last in the data flow: opens a file read-only and
 * without blocking, runs the formats and the AVF rules on its bytes, and keeps the walk's order
 * while I/O threads work in batches. Not exported by the module descriptor.
 */
package dev.imageaudit.core.internal.audit;

/**
 * Where the audit's inputs come from, first in the data flow (source, format, avf, audit): the walk
 * of a tree in walk order ({@link dev.imageaudit.core.internal.source.Walker}), descriptor and path
 * lists, VM configs, and the bytes of one file under the read caps ({@link
 * dev.imageaudit.core.internal.source.ImageSource}, {@link
 * dev.imageaudit.core.internal.source.Caps}), with the read plan that merges all detectors' first
 * reads. Names are bytes here ({@link dev.imageaudit.core.internal.source.Names}). Not exported by
 * the module descriptor.
 */
package dev.imageaudit.core.internal.source;

/**
 * AVF's rules, after the format is known: virtmgr's judgement of a partition image, crosvm's of a
 * whole disk (from the typed details of the formats it opens), the hazards between the two, and the
 * rules of VM configs. Not exported by the module descriptor.
 */
package dev.imageaudit.core.internal.avf;

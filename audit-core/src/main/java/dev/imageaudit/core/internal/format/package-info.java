/**
 * One file per format: each detector holds its header record (the format's struct, read in one
 * method, fields named with their units) and builds the format's typed details ({@link
 * dev.imageaudit.core.FormatDetails}); {@link dev.imageaudit.core.internal.format.Formats} registers
 * them and names an image by the highest probe score. Shared here: the probe of one image, the one
 * findings builder, the magic prologue, capped lists and the text budget. Not exported by the module
 * descriptor.
 */
package dev.imageaudit.core.internal.format;

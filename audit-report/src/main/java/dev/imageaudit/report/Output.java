package dev.imageaudit.report;

import dev.imageaudit.core.RunSink;
import java.io.Closeable;

/**
 * One file of a {@link ReportSet}, written as the run streams by: {@link #begin}, each {@link
 * #entry}, then {@link #end}, which finishes the file and syncs it to the disk. {@link #close}
 * releases the file whether it was finished or not; deleting it is the set's job.
 */
interface Output extends RunSink, Closeable {}

/**
 * image-audit's library: the model, the format detectors, AVF's rules, the walker and the Reactor
 * pipeline. Only {@code dev.imageaudit.core} is API (the model, the typed details, the facade); the
 * packages under {@code dev.imageaudit.core.internal} follow the data flow ({@code source}, {@code
 * format}, {@code avf}, {@code audit}) and are not exported (give one to one of this project's
 * modules with a qualified {@code exports ... to} when it needs it).
 */
module dev.imageaudit.core {
  exports dev.imageaudit.core;

  // Flux and Mono are in the API, and so is Publisher (ImageAudit.scan's inputs).
  requires transitive reactor.core;
  requires transitive org.reactivestreams;
  // An observer's defect is logged through java.util.logging.
  requires java.logging;
  // VM config and LUKS2 JSON, read inside dev.imageaudit.core.internal.* only.
  requires tools.jackson.databind;
  // Linux calls the JDK lacks (non-blocking open, statx of the open descriptor), through JNA.
  requires com.sun.jna;
}

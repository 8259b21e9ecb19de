/**
 * image-audit's report writers: JSON, JSON Lines and HTML, and Micrometer metrics with their
 * Prometheus text export. Only {@code dev.imageaudit.report} is API.
 */
module dev.imageaudit.report {
  exports dev.imageaudit.report;

  // AuditEntry, AuditReport and AuditObserver are in the API.
  requires transitive dev.imageaudit.core;
  // AuditMetrics.registry() returns a PrometheusMeterRegistry.
  requires transitive micrometer.registry.prometheus;
  requires micrometer.core;
  requires tools.jackson.databind;
  requires com.github.mustachejava;
  // renameat2(RENAME_EXCHANGE): a run's outputs replace the previous ones in one step.
  requires com.sun.jna;

  // Mustache loads the template, a resource of this package, through a class loader, which finds a
  // packaged resource of a named module only when the package is open to every module; and it reads the
  // (package-private) view by reflection. Opening grants reflection, not access to more of the API.
  opens dev.imageaudit.report;
}

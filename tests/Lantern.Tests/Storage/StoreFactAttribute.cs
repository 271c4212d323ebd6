using Xunit.Sdk;

namespace Lantern.Tests.Storage;

/// <summary>A fact of the store contract: skipped (not passed) on a class marked <see cref="PostgresTestClassAttribute"/> when LANTERN_TEST_POSTGRES is unset.</summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Lantern.Tests.Storage.StoreFactDiscoverer", "Lantern.Tests")]
public sealed class StoreFactAttribute : FactAttribute;

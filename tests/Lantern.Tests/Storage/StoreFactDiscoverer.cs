using Xunit.Abstractions;
using Xunit.Sdk;

namespace Lantern.Tests.Storage;

/// <summary>Discovers <see cref="StoreFactAttribute"/> tests, turning them into skipped cases where PostgreSQL is needed but not configured.</summary>
public sealed class StoreFactDiscoverer : IXunitTestCaseDiscoverer
{
    private readonly IMessageSink _sink;
    private readonly FactDiscoverer _inner;

    public StoreFactDiscoverer(IMessageSink diagnosticMessageSink)
    {
        _sink = diagnosticMessageSink;
        _inner = new FactDiscoverer(diagnosticMessageSink);
    }

    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var needsPostgres = testMethod.TestClass.Class.GetCustomAttributes(typeof(PostgresTestClassAttribute)).Any();
        if (needsPostgres && PostgresTestClassAttribute.ConnectionString is null)
        {
            return
            [
                new XunitSkippedDataRowTestCase(
                    _sink,
                    discoveryOptions.MethodDisplayOrDefault(),
                    discoveryOptions.MethodDisplayOptionsOrDefault(),
                    testMethod,
                    $"{PostgresTestClassAttribute.Variable} is not set (source scripts/pg-test-server.sh && pg_test_start)"),
            ];
        }

        return _inner.Discover(discoveryOptions, testMethod, factAttribute);
    }
}

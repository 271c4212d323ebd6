namespace Lantern.Interop.Tests.Infrastructure.Cluster;

/// <summary>A cluster test: skipped (not passed) when LANTERN_TEST_POSTGRES is unset or PostgreSQL is not installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ClusterFactAttribute : FactAttribute
{
    public ClusterFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(PrivatePostgres.Variable) is not { Length: > 0 })
        {
            Skip = $"{PrivatePostgres.Variable} is not set (test.sh sets it; or source scripts/pg-test-server.sh && pg_test_start)";
        }
        else if (PrivatePostgres.BinDirectory is null)
        {
            Skip = "PostgreSQL is not installed (test.sh installs postgresql)";
        }
    }
}

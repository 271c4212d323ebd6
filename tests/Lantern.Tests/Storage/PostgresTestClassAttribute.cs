namespace Lantern.Tests.Storage;

/// <summary>Marks a test class that needs the PostgreSQL named by LANTERN_TEST_POSTGRES.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class PostgresTestClassAttribute : Attribute
{
    public const string Variable = "LANTERN_TEST_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } s ? s : null;
}

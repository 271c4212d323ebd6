namespace Lantern.Interop.Tests;

public sealed class ServerProcessTests
{
    [Fact]
    public void LanternExecutable_IsBuiltNextToTests()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "lantern.dll");
        Assert.True(File.Exists(dll), $"expected {dll}");
    }
}

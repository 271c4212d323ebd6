namespace Lantern.Sip.Tests;

public sealed class AssemblyTests
{
    [Fact]
    public void SipAssembly_DoesNotReferenceLantern()
    {
        var refs = typeof(Lantern.Sip.SipAssemblyMarker).Assembly.GetReferencedAssemblies();
        foreach (var r in refs)
        {
            Assert.NotEqual("lantern", r.Name);
        }
    }
}

using Lantern.Phones;

namespace Lantern.Tests.Phones;

/// <summary>REGISTER as the handler applies it when the 200 goes out at once: bind, then announce.</summary>
internal static class RegistrarTestExtensions
{
    public static RegisterOutcome RegisterAnswered(this Registrar registrar, RegisterRequest request)
    {
        var outcome = registrar.Register(request);
        registrar.Announce(outcome);
        return outcome;
    }
}

namespace Lantern.Interop.Tests.Infrastructure;

/// <summary>The server could not bind a port picked for it: another test took it in between.</summary>
internal sealed class AddressInUseException : Exception
{
    public AddressInUseException()
    {
    }

    public AddressInUseException(string output)
        : base("lantern could not bind a port:\n" + output)
    {
    }

    public AddressInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

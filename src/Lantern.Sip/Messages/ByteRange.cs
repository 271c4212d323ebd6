namespace Lantern.Sip.Messages;

/// <summary>A slice of a message buffer, kept as offsets so that no string is made until a value is wanted.</summary>
internal readonly record struct ByteRange(int Start, int Length)
{
    public bool IsEmpty => Length == 0;

    public int End => Start + Length;

    public ReadOnlySpan<byte> Of(ReadOnlySpan<byte> buffer) => buffer.Slice(Start, Length);
}

/** Thrown when a text that should be tallied contains no words at all. */
public class NoWordsException extends IllegalArgumentException {

    public NoWordsException(String message) {
        super(message);
    }
}

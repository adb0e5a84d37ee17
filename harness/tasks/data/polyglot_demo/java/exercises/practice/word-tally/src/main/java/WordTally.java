import java.util.List;
import java.util.Map;

class WordTally {

    Map<String, Integer> tally(String text) {
        throw new UnsupportedOperationException("Delete this statement and implement the tally method");
    }

    List<String> mostFrequent(String text, int n) {
        throw new UnsupportedOperationException("Delete this statement and implement the mostFrequent method");
    }
}

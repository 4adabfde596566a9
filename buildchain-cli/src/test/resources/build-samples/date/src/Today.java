public class Today {
    public static void main(String[] args) {
        System.out.println("built in " + java.time.YearMonth.now(java.time.ZoneOffset.UTC));
    }
}

package io.lrpipeline.scheduler;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.openqa.selenium.HasAuthentication;
import org.openqa.selenium.UsernameAndPassword;
import org.openqa.selenium.WebDriver;

/**
 * {@link PageInChromiumTest} with authentication on: the page answers 401 with the Basic challenge, and the browser's
 * login is answered as otto, an operator, as a person types into the dialog (through the DevTools protocol); every
 * request of the page then carries the login, and the change applied from the page is signed by otto, the form's By
 * kept as a note.
 */
@QuarkusTest
@TestProfile(AuthenticatedApiTest.TwoUsers.class)
class AuthenticatedPageInChromiumTest extends PageInChromiumTest {
    @Override
    void logIn(WebDriver browser) {
        ((HasAuthentication) browser).register(() -> new UsernameAndPassword("otto", "otto-password"));
    }

    @Override
    String signer() {
        return "otto";
    }
}

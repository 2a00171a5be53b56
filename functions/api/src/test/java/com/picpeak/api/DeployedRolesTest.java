package com.picpeak.api;

import com.picpeak.testing.TestDynamo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The harness's IAM emulation itself, on the real DynamoDB Local client: what a role lacks is refused as AWS
 * refuses it, with nothing written; what it grants goes through; a transaction is authorized item by item.
 */
class DeployedRolesTest {
    static DeployedShape aws;
    static DynamoDbClient dynamo;

    @BeforeAll
    static void deploy() {
        aws = DeployedShape.get();
        dynamo = DeployedRoles.authorizing(TestDynamo.client());
    }

    @Test
    void aCallTheRoleLacks_isRefusedWithAccessDenied_andWritesNothing() {
        DeployedTemplate.Function worker = aws.template.function("Worker");
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("PROBE#denied"), "sk", AttributeValue.fromS("X"));
        DeployedTemplate.Function readOnly = new DeployedTemplate.Function("Probe", "Probe", worker.handlerClass(),
                new IamPolicy("Probe", java.util.List.of(new IamPolicy.Statement(true, java.util.List.of("dynamodb:GetItem"),
                        java.util.List.of("arn:aws:dynamodb:" + DeployedTemplate.REGION + ":" + DeployedTemplate.ACCOUNT
                                + ":table/" + aws.serverless.table)))), 3, 128, "Terminate", null);

        assertThatThrownBy(() -> DeployedRoles.actAs(readOnly, 0, () -> dynamo.putItem(b -> b.tableName(aws.serverless.table).item(key))))
                .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                    assertThat(e.getMessage()).contains("dynamodb:PutItem");
                });
        assertThatThrownBy(() -> DeployedRoles.actAs(readOnly, 0, () -> dynamo.transactWriteItems(b -> b.transactItems(
                TransactWriteItem.builder().conditionCheck(c -> c.tableName(aws.serverless.table).key(key)
                        .conditionExpression("attribute_not_exists(pk)")).build()))))
                .as("a transaction needs each item's own action").isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("dynamodb:ConditionCheckItem");
        assertThat(dynamo.getItem(b -> b.tableName(aws.serverless.table).key(key)).hasItem()).isFalse();
        DeployedRoles.clearDenials();
    }

    @Test
    void theTemplatesRoles_areRead_withTheirResourcesBoundToTheTestsOwn() {
        IamPolicy gallery = aws.template.function("Gallery").policy();
        String table = "arn:aws:dynamodb:" + DeployedTemplate.REGION + ":" + DeployedTemplate.ACCOUNT + ":table/" + aws.serverless.table;

        assertThat(gallery.allows("dynamodb:GetItem", table)).isTrue();
        assertThat(gallery.allows("dynamodb:GetItem", table + "/index/gsi1")).as("an index has its own ARN").isFalse();
        assertThat(gallery.allows("s3:GetObject", "arn:aws:s3:::" + aws.serverless.bucket + "/studio/events/x.jpg")).isTrue();
        assertThat(gallery.allows("s3:DeleteObject", "arn:aws:s3:::" + aws.serverless.bucket + "/studio/events/x.jpg")).isFalse();
        assertThat(gallery.allows("s3:GetObject", "arn:aws:s3:::another-bucket/x.jpg")).isFalse();
        assertThat(aws.template.queueSource("Worker").batchSize()).isEqualTo(1);
        assertThat(aws.template.queueSource("Worker").maxReceiveCount()).isEqualTo(5);
    }
}
